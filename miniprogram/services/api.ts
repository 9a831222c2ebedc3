import type {
  ContactDetailResponse,
  ContactListQuery,
  ContactListResponse,
  ContactLookupResponse,
  GroupChatDetailResponse,
  MeResponse,
} from '../typings/api';
import type { Auth } from './auth';
import type { Request } from './request';

/** The server's lookup accepts 1..100 ids per call (DESIGN §4). */
const LOOKUP_BATCH = 100;

export interface Api {
  me(): Promise<MeResponse>;
  listContacts(query?: ContactListQuery): Promise<ContactListResponse>;
  getContact(externalUserId: string): Promise<ContactDetailResponse>;
  /** Any number of ids, sent in batches of 100; answers merged in order. */
  lookupContacts(externalUserIds: readonly string[]): Promise<ContactLookupResponse>;
  getGroupChat(chatId: string): Promise<GroupChatDetailResponse>;
}

/** The employee endpoints of DESIGN §4, each behind a live session. */
export function createApi({ auth, request }: { auth: Auth; request: Request }): Api {
  const get = <T>(path: string, query?: Record<string, string | number | undefined>) =>
    auth.withSession(() => request<T>({ method: 'GET', path, query }));

  return {
    me: () => get<MeResponse>('/api/me'),
    listContacts: (query = {}) =>
      get<ContactListResponse>('/api/external-contacts', {
        cursor: query.cursor,
        limit: query.limit,
      }),
    getContact: (externalUserId) =>
      get<ContactDetailResponse>(`/api/external-contacts/${encodeURIComponent(externalUserId)}`),
    async lookupContacts(externalUserIds) {
      const merged: ContactLookupResponse = { contacts: [], denied: [], notFound: [] };
      for (let start = 0; start < externalUserIds.length; start += LOOKUP_BATCH) {
        const batch = externalUserIds.slice(start, start + LOOKUP_BATCH);
        const answer = await auth.withSession(() =>
          request<ContactLookupResponse>({
            method: 'POST',
            path: '/api/external-contacts/lookup',
            body: { externalUserIds: batch },
          }),
        );
        merged.contacts.push(...answer.contacts);
        merged.denied.push(...answer.denied);
        merged.notFound.push(...answer.notFound);
      }
      return merged;
    },
    getGroupChat: (chatId) =>
      get<GroupChatDetailResponse>(`/api/group-chats/${encodeURIComponent(chatId)}`),
  };
}
