import { INVALID_CURSOR } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';
import { ContactsError } from './errors';

/** One page of a WeCom listing: an opaque cursor ("" or undefined = first page) and a limit. */
export interface Page {
  cursor?: string;
  limit: number;
}

/** WeCom's "invalid cursor" on a call that carried the caller's cursor means that cursor is bad. */
export async function withCallerCursor<T>(page: Page, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (page.cursor && error instanceof WecomApiError && INVALID_CURSOR.has(error.errcode)) {
      throw new ContactsError('invalid_cursor', { cause: error });
    }
    throw error;
  }
}
