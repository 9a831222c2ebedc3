import { z } from 'zod';
import type { StreamRange } from '../stores/store';

/**
 * The query of a feed read (the org change feed, the events log): `after` (oldest first; absent
 * or `0` = from the oldest kept) or `order=desc` with `before` (newest first; absent = from the
 * newest), and `limit`. A position is a `seq` this server answered: `<ms>-<n>`, each part up to
 * 15 digits (a bare `<ms>` reads as `<ms>-0`).
 */

export const feedPosition = z
  .string()
  .regex(/^\d{1,15}(-\d{1,15})?$/, 'must be a seq from a previous answer (0 = from the start)');

export const feedQueryShape = {
  order: z.enum(['asc', 'desc']).optional(),
  after: feedPosition.optional(),
  before: feedPosition.optional(),
};

export const feedLimit = (max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional();

/** `after` goes with the oldest-first order, `before` with `order=desc`. */
export function checkFeedOrder(
  query: { order?: 'asc' | 'desc'; after?: string; before?: string },
  ctx: z.RefinementCtx,
): void {
  if (query.order === 'desc' && query.after !== undefined)
    ctx.addIssue({ code: 'custom', path: ['after'], message: 'with order=desc, use before' });
  if (query.order !== 'desc' && query.before !== undefined)
    ctx.addIssue({ code: 'custom', path: ['before'], message: 'before needs order=desc' });
}

export const feedRange = (query: {
  order?: 'asc' | 'desc';
  after?: string;
  before?: string;
}): StreamRange =>
  query.order === 'desc' ? { before: query.before } : { after: query.after ?? '0' };
