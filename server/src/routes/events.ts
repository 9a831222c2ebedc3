import type Router from '@koa/router';
import { z } from 'zod';
import { type EventEntry, eventEntrySchema, RECEIVERS, readEvents } from '../callbacks/events';
import { exactly } from '../exact';
import { guard } from '../middleware/guard';
import type { AdminState } from '../middleware/state';
import type { Feed } from '../stores/feed';
import { checkFeedOrder, feedLimit, feedQueryShape, feedRange } from './feed-query';

/**
 * `GET /api/admin/events?after&limit` (oldest first) or `?order=desc&before&limit` (newest
 * first): accepted callback events, optionally only one receiver's or one event's.
 */

const eventsQuerySchema = z
  .object({
    ...feedQueryShape,
    limit: feedLimit(500),
    receiver: z.enum(RECEIVERS).optional(),
    event: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be an event name such as change_external_contact')
      .optional(),
  })
  .superRefine(checkFeedOrder);

const eventsResponseSchema = exactly<Awaited<ReturnType<typeof readEvents>>>()(
  z.object({
    events: z.array(eventEntrySchema.extend({ seq: z.string() })),
    next: z.string().nullable(),
  }),
);

const DEFAULT_LIMIT = 100;

export function eventRoutes(
  router: Router<AdminState>,
  deps: { eventsLog: Feed<EventEntry> },
): void {
  router.get(
    '/api/admin/events',
    guard({ query: eventsQuerySchema, response: eventsResponseSchema }, ({ query }) =>
      readEvents(deps.eventsLog, {
        range: feedRange(query),
        limit: query.limit ?? DEFAULT_LIMIT,
        receiver: query.receiver,
        event: query.event,
      }),
    ),
  );
}
