import type { FollowUser, GroupChat } from '../../../miniprogram/typings/api';
import type { WecomApi } from '../wecom/api';
import { CUSTOMER_NOT_FOUND, GROUP_NOT_FOUND, RESOURCE_HIDDEN } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';
import type { Lookup } from './detail-cache';
import { toExternalContact, toFollowUser, toGroupChat } from './mapping';
import type { Customer } from './schemas';

/** Loaders behind the detail caches: one customer or one group, straight from WeCom. */

/** follow_user pages (500 each) read for one customer: up to 10,000 followers in the visible range. */
export const MAX_FOLLOWER_PAGES = 20;

/** Runs `call`; a WeCom refusal in `notFound` or `RESOURCE_HIDDEN` becomes an absent answer. */
async function orAbsent<T>(
  notFound: ReadonlySet<number>,
  call: () => Promise<T>,
): Promise<Lookup<T>> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof WecomApiError)) throw error;
    if (notFound.has(error.errcode)) return { absent: 'not_found', errcode: error.errcode };
    if (RESOURCE_HIDDEN.has(error.errcode)) return { absent: 'hidden', errcode: error.errcode };
    throw error;
  }
}

/** The customer with every follower in the app's visible range. */
export function fetchCustomer(
  wecom: WecomApi,
  id: string,
  signal: AbortSignal,
): Promise<Lookup<Customer>> {
  return orAbsent(CUSTOMER_NOT_FOUND, async () => {
    let cursor: string | undefined;
    let externalContact: Customer['externalContact'] | undefined;
    const followUsers: FollowUser[] = [];
    for (let page = 0; page < MAX_FOLLOWER_PAGES; page++) {
      const answer = await wecom.getExternalContact(id, { cursor, signal });
      externalContact ??= toExternalContact(answer.external_contact);
      followUsers.push(...(answer.follow_user ?? []).map(toFollowUser));
      cursor = answer.next_cursor;
      if (!cursor) break;
    }
    return { externalContact: externalContact!, followUsers };
  });
}

/** The group with member names. */
export function fetchGroupChat(
  wecom: WecomApi,
  chatId: string,
  signal: AbortSignal,
): Promise<Lookup<GroupChat>> {
  return orAbsent(GROUP_NOT_FOUND, async () =>
    toGroupChat(await wecom.getGroupChat(chatId, { signal })),
  );
}
