import type {
  ContactDetail,
  ContactListResponse,
  ContactLookupResponse,
} from '../../../miniprogram/typings/api';
import type { WecomApi } from '../wecom/api';
import { followEntryOf } from './access';
import { type DetailCache, isAbsent } from './detail-cache';
import { ContactsError } from './errors';
import { toContactListItem } from './mapping';
import { type OutsideVisibleRangeHook, type Page, readOwnList } from './paging';
import type { Customer } from './schemas';

/** An employee's customers (外部联系人): only those whose follow_user holds the employee. */
export interface Customers {
  listFollowed(userid: string, page: Page): Promise<ContactListResponse>;
  /**
   * Throws `customer_not_found` or `customer_not_followed`. `userid` may still be on its way (a
   * login exchange): the detail loads meanwhile and is authorized once it is known.
   */
  getFollowed(userid: string | Promise<string>, externalUserId: string): Promise<ContactDetail>;
  /** Sorts distinct ids into readable details, ids of others' customers and unknown ids. */
  lookup(userid: string, externalUserIds: readonly string[]): Promise<ContactLookupResponse>;
  /** Drops a customer's cached detail (it changed). */
  forget(externalUserId: string): Promise<void>;
  /** Drops this process's memo of it (another instance dropped it from the store). */
  forgetLocally(externalUserId: string): Promise<void>;
}

export function createCustomers(deps: {
  wecom: WecomApi;
  details: DetailCache<Customer>;
  onOutsideVisibleRange: OutsideVisibleRangeHook;
}): Customers {
  const { wecom, details, onOutsideVisibleRange } = deps;
  return {
    async listFollowed(userid, page) {
      const answer = await readOwnList(
        { userid, list: 'customers', page, onOutsideVisibleRange },
        () => wecom.getContactsByUser(userid, page),
      );
      return {
        // Asked for this employee alone: an entry that does not name its follower is theirs.
        contacts: answer.external_contact_list
          .filter((row) => (row.follow_info.userid ?? userid) === userid)
          .map((row) => toContactListItem(row, userid)),
        nextCursor: answer.next_cursor || undefined,
      };
    },
    async getFollowed(userid, externalUserId) {
      const [customer] = await details.getMany([externalUserId]);
      if (isAbsent(customer!)) throw new ContactsError('customer_not_found');
      const followUser = followEntryOf(customer!, await userid);
      if (!followUser) throw new ContactsError('customer_not_followed');
      return { externalContact: customer!.externalContact, followUser };
    },
    async lookup(userid, externalUserIds) {
      const ids = [...new Set(externalUserIds)];
      const customers = await details.getMany(ids);
      const answer: ContactLookupResponse = { contacts: [], denied: [], notFound: [] };
      for (const [index, id] of ids.entries()) {
        const customer = customers[index]!;
        const followUser = isAbsent(customer) ? undefined : followEntryOf(customer, userid);
        if (isAbsent(customer)) answer.notFound.push(id);
        else if (!followUser) answer.denied.push(id);
        else answer.contacts.push({ externalContact: customer.externalContact, followUser });
      }
      return answer;
    },
    forget: (externalUserId) => details.forget(externalUserId),
    forgetLocally: (externalUserId) => details.forgetLocally(externalUserId),
  };
}
