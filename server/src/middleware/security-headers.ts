import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { Middleware } from 'koa';
import type { AppState } from './state';

/**
 * helmet, trimmed for a JSON API: no document may be framed or load anything, HTTPS only, no
 * MIME sniffing, no referrer. The browser-document headers (COOP, CORP, Origin-Agent-Cluster,
 * X-DNS-Prefetch-Control, …) are left out: each header costs on every answer.
 */
export const API_SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  xFrameOptions: { action: 'deny' },
};

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

/** Replaces the security headers of one part of the site (the admin console's pages have their own). */
export function securityHeaders(options?: Readonly<HelmetOptions>): Middleware<AppState> {
  const headers = securityHeaderValues(options);
  return (ctx, next) => {
    ctx.set(headers);
    return next();
  };
}
