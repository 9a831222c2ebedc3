import { z } from 'zod';

/**
 * What a webhook endpoint is, as stored and as answered. The secrets (`whsec_` + base64 of 24
 * random bytes) are stored with the endpoint and answered only when made (creation, rotation).
 */

/** The event types an endpoint may subscribe to (`ping` is the test event, always sent). */
export const WEBHOOK_EVENT_TYPES = [
  'org.department.created',
  'org.department.updated',
  'org.department.deleted',
  'org.member.created',
  'org.member.updated',
  'org.member.deleted',
  'customer.changed',
  'groupchat.changed',
  'employee.sessions_ended',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Feed positions: a `seq` as a feed answers it (`0` = from the oldest kept). */
export const feedPosition = z.string().regex(/^\d{1,15}(-\d{1,15})?$/);

export const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  enabled: z.boolean(),
  createdAt: z.string(),
  from: feedPosition.optional(),
  /** Set when the server disabled the endpoint after its retries ran out. */
  disabled: z.object({ reason: z.literal('failing'), at: z.string() }).optional(),
  /** The newest first; an older one stays valid until `expiresAt` (ms) after a rotation. */
  secrets: z.array(z.object({ secret: z.string(), expiresAt: z.number().optional() })),
});
export type StoredEndpoint = z.infer<typeof endpointSchema>;

/** Where an endpoint's deliveries stand: written only by the one lane delivering to it. */
export const laneStateSchema = z.object({
  /** Per feed, the `seq` of the last record delivered (or passed over). */
  positions: z.record(z.string(), feedPosition),
  /** Failed attempts of the record at the head of the lane. */
  failures: z.number().int(),
  /** When the next attempt is due (ms), while retrying. */
  retryAt: z.number().optional(),
  lastError: z.string().optional(),
});
export type LaneState = z.infer<typeof laneStateSchema>;

/** One attempt to deliver a message, kept with the feeds' retention. */
export const attemptSchema = z.object({
  /** The `webhook-id`: the same for every attempt of one message. */
  deliveryId: z.string(),
  type: z.string(),
  /** The feed record's `seq` (absent for a test event); the attempt's own `seq` is its place in the attempts log. */
  feedSeq: z.string().optional(),
  at: z.string(),
  /** 1 for the first attempt of a message in the lane, then counting retries. */
  attempt: z.number().int(),
  trigger: z.enum(['feed', 'test', 'resend']),
  ok: z.boolean(),
  durationMs: z.number(),
  /** The receiver's HTTP status, when it answered. */
  status: z.number().int().optional(),
  /** Why the attempt failed without an answer (timeout, refused address, …). */
  error: z.string().optional(),
  /** The first KiB of the answer's body. */
  excerpt: z.string(),
});
export type Attempt = z.infer<typeof attemptSchema>;
export type AttemptRecord = Attempt & { seq: string };

/** An endpoint as the API answers it (never its secrets). */
export interface EndpointView {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
  from?: string;
  disabled?: { reason: 'failing'; at: string };
  /** Failed attempts of the message at the head of the lane (0 when all is well). */
  failures: number;
  retryAt?: string;
  lastError?: string;
  positions: Record<string, string>;
}
