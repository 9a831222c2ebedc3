import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { Middleware } from 'koa';
import type { AppState } from './state';

/**
 * helmet's security headers, computed once at start: its headers do not depend on the request,
 * and running helmet's middleware per request (koa-helmet) cost about a quarter of the CPU of
 * `GET /api/me`. The request context sets them on every answer.
 */
export function securityHeaderValues(options?: Readonly<HelmetOptions>): Record<string, string> {
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
  if (Object.keys(headers).length === 0) throw new Error('helmet produced no headers');
  return headers;
}

/** Replaces the security headers of one part of the site (the console's pages have their own). */
export function securityHeaders(options?: Readonly<HelmetOptions>): Middleware<AppState> {
  const headers = securityHeaderValues(options);
  return (ctx, next) => {
    ctx.set(headers);
    return next();
  };
}
