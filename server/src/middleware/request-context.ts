import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AppState } from './state';

const INCOMING_ID = /^[\w.:-]{1,64}$/;

/** Request id (kept from `X-Request-Id` when sane) and one access-log line per request. */
export function requestContext(deps: { logger: Logger }): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // The child logger is made on first use: most requests never log at the configured level.
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => {
        log ??= deps.logger.child({ requestId });
        return log;
      },
      enumerable: true,
    });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      if (deps.logger.isLevelEnabled('info')) {
        ctx.state.log.info(
          {
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Math.round((performance.now() - started) * 10) / 10,
            userid: ctx.state.session?.userid,
          },
          'request',
        );
      }
    }
  };
}
