import type Router from '@koa/router';
import { z } from 'zod';
import { guard } from '../middleware/guard';
import type { AdminState } from '../middleware/state';
import { WEBHOOK_EVENT_TYPES, type Webhooks } from '../webhooks';
import {
  attemptRecordSchema,
  createdEndpointSchema,
  endpointViewSchema,
  rotatedSecretSchema,
} from '../webhooks/schemas';
import { checkFeedOrder, feedLimit, feedPosition, feedQueryShape, feedRange } from './feed-query';

/**
 * Webhook endpoints for admins (admin router): list, create (the secret is answered once), read,
 * change, delete, rotate the secret, send a test event, the attempts, and resend one delivery.
 * See docs/webhooks.md.
 */

const url = z.string().max(2048, 'must be at most 2048 characters');
const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, 'must name at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length);

const createBody = z
  .object({ url, events, enabled: z.boolean().optional(), from: feedPosition.optional() })
  .strict();
const patchBody = z
  .object({ url: url.optional(), events: events.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'must change url, events or enabled');

const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be an endpoint id') });
const resendParams = idParams.extend({
  deliveryId: z.string().regex(/^msg_[a-z]{1,20}_\d{1,15}-\d{1,15}$/, 'must be a feed delivery id'),
});

const deliveriesQuery = z
  .object({
    ...feedQueryShape,
    limit: feedLimit(200),
    failed: z.enum(['true', 'false']).optional(),
  })
  .superRefine(checkFeedOrder);

export function webhookRoutes(router: Router<AdminState>, deps: { webhooks: Webhooks }): void {
  const { webhooks } = deps;
  router.get(
    '/api/admin/webhooks',
    guard({ response: z.object({ endpoints: z.array(endpointViewSchema) }) }, async () => ({
      endpoints: await webhooks.list(),
    })),
  );
  router.post(
    '/api/admin/webhooks',
    guard({ body: createBody, status: 201, response: createdEndpointSchema }, ({ body }) =>
      webhooks.create(body),
    ),
  );
  router.get(
    '/api/admin/webhooks/:id',
    guard({ params: idParams, response: endpointViewSchema }, ({ params }) =>
      webhooks.get(params.id),
    ),
  );
  router.patch(
    '/api/admin/webhooks/:id',
    guard({ params: idParams, body: patchBody, response: endpointViewSchema }, ({ params, body }) =>
      webhooks.update(params.id, body),
    ),
  );
  router.delete(
    '/api/admin/webhooks/:id',
    guard({ params: idParams, status: 204 }, ({ params }) => webhooks.remove(params.id)),
  );
  router.post(
    '/api/admin/webhooks/:id/rotate-secret',
    guard(
      {
        params: idParams,
        response: rotatedSecretSchema,
      },
      ({ params }) => webhooks.rotateSecret(params.id),
    ),
  );
  router.post(
    '/api/admin/webhooks/:id/test',
    guard(
      { params: idParams, response: z.object({ attempt: attemptRecordSchema }) },
      async ({ params }) => ({
        attempt: await webhooks.test(params.id),
      }),
    ),
  );
  router.get(
    '/api/admin/webhooks/:id/deliveries',
    guard(
      {
        params: idParams,
        query: deliveriesQuery,
        response: z.object({
          deliveries: z.array(attemptRecordSchema),
          next: z.string().nullable(),
        }),
      },
      async ({ params, query }) => {
        const page = await webhooks.attempts(params.id, {
          range: feedRange(query),
          limit: query.limit ?? 50,
          failedOnly: query.failed === 'true',
        });
        return { deliveries: page.entries, next: page.next };
      },
    ),
  );
  router.post(
    '/api/admin/webhooks/:id/deliveries/:deliveryId/resend',
    guard(
      { params: resendParams, response: z.object({ attempt: attemptRecordSchema }) },
      async ({ params }) => ({
        attempt: await webhooks.resend(params.id, params.deliveryId),
      }),
    ),
  );
}
