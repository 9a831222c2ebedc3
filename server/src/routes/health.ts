import type Router from '@koa/router';
import { z } from 'zod';
import type { HealthResponse } from '../../../miniprogram/typings/api';
import { exactly } from '../exact';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';
import type { Store } from '../stores/store';

const healthSchema = exactly<HealthResponse>()(z.object({ status: z.literal('ok') }));

/** `/healthz`: the process answers. `/readyz`: and the store answers (else `store.unavailable`). */
export function healthRoutes(router: Router<AppState>, deps: { store: Store }): void {
  router.get(
    '/healthz',
    guard({ response: healthSchema }, () => ({ status: 'ok' as const })),
  );
  router.get(
    '/readyz',
    guard({ response: healthSchema }, async () => {
      await deps.store.ping();
      return { status: 'ok' as const };
    }),
  );
}
