import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { Middleware } from 'koa';
import type { AppState } from './state';

/**
 * helmet's security headers, computed once at start and then set on every answer. Running
 * helmet's middleware per request (koa-helmet) cost about a quarter of the CPU of `GET /api/me`;
 * its headers do not depend on the request, so the result is the same.
 */
export function securityHeaders(options?: Readonly<HelmetOptions>): Middleware<AppState> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name];
    },
  };
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  const entries = Object.entries(headers);
  if (entries.length === 0) throw new Error('helmet produced no headers');
  return async (ctx, next) => {
    for (const [name, value] of entries) ctx.response.set(name, value);
    await next();
  };
}
