import { z } from 'zod';
import { RequestError } from '../errors/request-error';
import { INVALID_CURSOR } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';

/** Query and id rules shared by the customer and group routes (DESIGN §4). */

/** WeCom ids (external_userid, chat_id): letters, digits, `_` and `-`. */
export const wecomId = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a WeCom id');

/** `?cursor&limit`: an opaque printable cursor ("" = first page) and a limit of 1..100 (default 20). */
export const pageQuery = z.object({
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
export type PageQuery = z.infer<typeof pageQuery>;

export const DEFAULT_PAGE_LIMIT = 20;

/** WeCom's invalid-parameter answer on a call that carried the caller's cursor: that cursor is not valid. */
export async function withCallerCursor<T>(cursor: string | undefined, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    if (cursor && error instanceof WecomApiError && INVALID_CURSOR.has(error.errcode)) {
      throw new RequestError('guard.invalid_input', {
        message: 'The cursor is not valid; start again from the first page.',
        cause: error,
      });
    }
    throw error;
  }
}
