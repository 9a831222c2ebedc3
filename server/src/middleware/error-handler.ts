import type { Context } from 'koa';
import type { ErrorBody } from '../../../miniprogram/typings/api';
import { CallbackError } from '../callbacks/errors';
import type { RequestError } from '../errors/request-error';
import { toRequestError } from './error-mapping';
import type { AppState } from './state';

/** An HTML page for an error on a route a browser navigates to (`ctx.state.page`). */
export type ErrorPageRenderer = (error: RequestError, requestId: string) => string;

/**
 * Answers a failure: `{code, message, data?, requestId}` with the status of the code table; 5xx
 * answers carry no internals. On routes a browser navigates to (the web login, the admin console's
 * pages) the same error is an HTML page instead. Called by the request context, which wraps
 * every request.
 */
export function answerError(
  ctx: Context & { state: AppState },
  thrown: unknown,
  renderPage?: ErrorPageRenderer,
): void {
  const anonymous = ctx.state.session === undefined && ctx.state.admin === undefined;
  const error = toRequestError(thrown, { anonymous });
  const log = ctx.state.log;
  if (error.code === 'store.unavailable')
    // The store reports the outage once; a line per request would bury that line.
    log?.debug(
      { code: error.code, cause: (error.cause as Error | undefined)?.message },
      'request failed',
    );
  else if (error.status >= 500)
    log?.error({ err: error.cause ?? error, code: error.code }, 'request failed');
  else if (error.cause instanceof CallbackError && error.cause.reason !== 'not_configured')
    // What was refused and why, never the payload: one warning per refused delivery.
    log?.warn({ code: error.code, path: ctx.path, reason: error.cause.reason }, 'callback refused');
  else
    log?.info(
      { code: error.code, cause: (error.cause as Error | undefined)?.message },
      'request refused',
    );
  const body: ErrorBody = {
    code: error.code,
    message: error.message,
    ...(error.data === undefined ? {} : { data: error.data }),
    requestId: ctx.state.requestId,
  };
  ctx.status = error.status;
  if (error.headers) ctx.set(error.headers);
  // Refused before its body arrived: close rather than read (and wait for) the rest.
  if (!ctx.req.complete) ctx.set('Connection', 'close');
  if (ctx.state.page && renderPage) {
    ctx.type = 'html';
    ctx.body = renderPage(error, ctx.state.requestId);
    return;
  }
  ctx.body = body;
}
