import type Router from '@koa/router';
import type { Metrics } from '../metrics';
import type { AppState } from '../middleware/state';

/** `GET /metrics`: Prometheus text. Keep it off the public domain (see README, production). */
export function metricsRoutes(router: Router<AppState>, deps: { metrics: Metrics }): void {
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.contentType;
    ctx.body = await deps.metrics.text();
  });
}
