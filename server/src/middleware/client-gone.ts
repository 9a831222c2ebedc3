import type { Context } from 'koa';

/**
 * Aborts when the client goes before its answer was sent (it closed the connection or cancelled
 * the request), so that work done only for that answer — e.g. WeCom calls — stops.
 */
export function whenClientLeaves(ctx: Context): AbortSignal {
  const controller = new AbortController();
  ctx.res.once('close', () => {
    if (!ctx.res.writableFinished) controller.abort(new Error('the client left'));
  });
  return controller.signal;
}
