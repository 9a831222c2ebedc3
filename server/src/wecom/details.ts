import type { FollowUser, GroupChat } from '../../../miniprogram/typings/api';
import type { WecomApi } from './api';
import { type Customer, toExternalContact, toFollowUser, toGroupChat } from './contacts';
import { CUSTOMER_NOT_FOUND, GROUP_NOT_FOUND } from './errcodes';
import { WecomApiError } from './errors';

/** Loaders behind the detail caches: one customer or one group, straight from WeCom. */

/** follow_user pages (500 each) read for one customer: up to 10,000 followers in the visible range. */
export const MAX_FOLLOWER_PAGES = 20;

const isOneOf = (error: unknown, codes: ReadonlySet<number>) =>
  error instanceof WecomApiError && codes.has(error.errcode);

/** The customer with every follower in the app's visible range; null when WeCom does not know it. */
export async function fetchCustomer(wecom: WecomApi, id: string): Promise<Customer | null> {
  let cursor: string | undefined;
  let externalContact: Customer['externalContact'] | undefined;
  const followUsers: FollowUser[] = [];
  for (let page = 0; page < MAX_FOLLOWER_PAGES; page++) {
    let answer: Awaited<ReturnType<WecomApi['getExternalContact']>>;
    try {
      answer = await wecom.getExternalContact(id, cursor);
    } catch (error) {
      if (isOneOf(error, CUSTOMER_NOT_FOUND)) return null;
      throw error;
    }
    externalContact ??= toExternalContact(answer.external_contact);
    followUsers.push(...(answer.follow_user ?? []).map(toFollowUser));
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return { externalContact: externalContact!, followUsers };
}

/** The group with member names; null when WeCom does not know it. */
export async function fetchGroupChat(wecom: WecomApi, chatId: string): Promise<GroupChat | null> {
  try {
    return toGroupChat(await wecom.getGroupChat(chatId));
  } catch (error) {
    if (isOneOf(error, GROUP_NOT_FOUND)) return null;
    throw error;
  }
}
