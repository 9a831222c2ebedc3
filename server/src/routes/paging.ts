import { z } from 'zod';
import type { Page } from '../contacts/paging';

/** Query and id rules shared by the customer and group routes. */

/** WeCom ids (external_userid, chat_id): letters, digits, `_` and `-`. */
export const wecomIdSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a WeCom id');

/** `?cursor&limit`: an opaque printable cursor ("" = first page) and a limit of 1..100 (default 20). */
export const pageQuerySchema = z.object({
  cursor: z
    .string()
    .max(512)
    .regex(/^[\x21-\x7e]*$/, 'must be a cursor from a previous page')
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
});

const DEFAULT_PAGE_LIMIT = 20;

export const pageOf = (query: z.infer<typeof pageQuerySchema>): Page => ({
  cursor: query.cursor || undefined,
  limit: query.limit ?? DEFAULT_PAGE_LIMIT,
});
