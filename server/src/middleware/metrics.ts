import type { Middleware } from 'koa';
import type { Metrics } from '../metrics';
import type { AppState } from './state';

/**
 * Times every request. The route label is the router's pattern (`/api/external-contacts/:id`),
 * never the raw path, so ids do not multiply the series; unmatched paths share one label.
 */
export function requestMetrics(deps: { metrics: Metrics }): Middleware<AppState> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      deps.metrics.observeRequest(
        {
          method: ctx.method,
          route: typeof matched === 'string' ? matched : 'unmatched',
          status: ctx.status,
        },
        (performance.now() - started) / 1000,
      );
    }
  };
}
