import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { RequestError } from '../errors/request-error';
import type { Metrics } from '../metrics';
import { answerError, type ErrorPageRenderer } from './error-handler';
import type { AppState } from './state';

const INCOMING_ID = /^[\w.:-]{1,64}$/;

/**
 * `ctx.state` of every request. The child logger is made on first use (most requests never log
 * at the configured level), by a getter on the class rather than one defined per request.
 */
class RequestState {
  #log: Logger | undefined;
  constructor(
    readonly requestId: string,
    private readonly logger: Logger,
  ) {}
  get log(): Logger {
    this.#log ??= this.logger.child({ requestId: this.requestId });
    return this.#log;
  }
}

/**
 * What every request gets, in one middleware (each layer costs on every request): a request id
 * (kept from `X-Request-Id` when sane), the security headers, the error answer for whatever it
 * throws (unknown routes are `request.not_found`; see error-handler.ts), its duration in the
 * metrics, and one access-log line. The metrics' route label is the router's pattern
 * (`/api/external-contacts/:id`), never the raw path, so ids do not multiply the series.
 */
export function requestContext(deps: {
  logger: Logger;
  /** Without metrics (tests of the error handler), nothing is timed. */
  metrics?: Metrics;
  /** Header values computed once (see security-headers.ts). */
  headers?: Readonly<Record<string, string>>;
  /** Errors on routes a browser navigates to (`ctx.state.page`) become this HTML page. */
  renderPage?: ErrorPageRenderer;
}): Middleware<AppState> {
  const { logger, metrics, headers = {}, renderPage } = deps;
  return async (ctx, next) => {
    const started = performance.now();
    const incoming = ctx.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state = new RequestState(requestId, logger) as unknown as AppState;
    ctx.set(headers);
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new RequestError('request.not_found');
    } catch (thrown) {
      answerError(ctx, thrown, renderPage);
    } finally {
      const ms = performance.now() - started;
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      metrics?.observeRequest(
        {
          method: ctx.method,
          route: typeof matched === 'string' ? matched : 'unmatched',
          status: ctx.status,
        },
        ms / 1000,
      );
      if (logger.isLevelEnabled('info')) {
        ctx.state.log.info(
          {
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Math.round(ms * 10) / 10,
            userid: ctx.state.session?.userid,
          },
          'request',
        );
      }
    }
  };
}
