import { INVALID_CURSOR, RESOURCE_HIDDEN } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';
import { ContactsError } from './errors';

/** One page of a WeCom listing: an opaque cursor ("" or undefined = first page) and a limit. */
export interface Page {
  cursor?: string;
  limit: number;
}

/** The employee's own lists: their customers and the groups they own. */
export type OwnList = 'customers' | 'groupchats';

/** Told when WeCom refused an employee's own list because they are outside the visible range. */
export type OutsideVisibleRangeHook = (userid: string, list: OwnList, errcode: number) => void;

/**
 * One page of an employee's own list, asked for that employee alone. WeCom's "invalid cursor" on a
 * call that carried the caller's cursor means that cursor is bad; a refusal to show the list's
 * only employee (60011) means they are outside the app's visible range — which only an admin can
 * change, so it is the employee's own 403, never a 5xx.
 */
export async function readOwnList<T>(
  what: {
    userid: string;
    list: OwnList;
    page: Page;
    onOutsideVisibleRange: OutsideVisibleRangeHook;
  },
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof WecomApiError)) throw error;
    if (what.page.cursor && INVALID_CURSOR.has(error.errcode)) {
      throw new ContactsError('invalid_cursor', { cause: error });
    }
    if (RESOURCE_HIDDEN.has(error.errcode)) {
      what.onOutsideVisibleRange(what.userid, what.list, error.errcode);
      throw new ContactsError('outside_visible_range', { cause: error });
    }
    throw error;
  }
}
