import type Router from '@koa/router';
import { z } from 'zod';
import { type EventEntry, eventEntrySchema, readEvents } from '../callbacks/events';
import { guard } from '../middleware/guard';
import type { AdminState } from '../middleware/state';
import type { Feed } from '../stores/feed';

/** `GET /api/admin/events?after&limit`: accepted callback events, oldest first, from `after`. */

const eventsQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a seq from a previous page')
    .transform(Number)
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 500')
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .optional(),
});

const eventsResponseSchema = z.object({
  events: z.array(eventEntrySchema.extend({ seq: z.number() })),
  next: z.number().nullable(),
});

const DEFAULT_LIMIT = 100;

export function eventRoutes(
  router: Router<AdminState>,
  deps: { eventsLog: Feed<EventEntry> },
): void {
  router.get(
    '/api/admin/events',
    guard({ query: eventsQuerySchema, response: eventsResponseSchema }, ({ query }) =>
      readEvents(deps.eventsLog, query.after ?? 0, query.limit ?? DEFAULT_LIMIT),
    ),
  );
}
