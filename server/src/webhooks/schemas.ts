import { z } from 'zod';
import { exactly } from '../exact';
import { type AttemptRecord, attemptSchema, type EndpointView, WEBHOOK_EVENT_TYPES } from './model';

/**
 * The webhooks' answers to the admin routes as zod schemas, each tied to its type: a field the
 * type gains fails to compile here until the schema declares it (an answer parsed with its schema
 * keeps only the declared fields).
 */

export const endpointViewSchema = exactly<EndpointView>()(
  z.object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    enabled: z.boolean(),
    createdAt: z.string(),
    from: z.string().optional(),
    disabled: z.object({ reason: z.literal('failing'), at: z.string() }).optional(),
    failures: z.number(),
    retryAt: z.string().optional(),
    lastError: z.string().optional(),
    positions: z.record(z.string(), z.string()),
  }),
);

export const createdEndpointSchema = exactly<EndpointView & { secret: string }>()(
  endpointViewSchema.extend({ secret: z.string() }),
);

export const rotatedSecretSchema = exactly<{ secret: string; previousValidUntil: string }>()(
  z.object({ secret: z.string(), previousValidUntil: z.string() }),
);

export const attemptRecordSchema = exactly<AttemptRecord>()(
  attemptSchema.extend({ seq: z.string() }),
);
