import type {
  ContactDetailResponse,
  ContactListQuery,
  ContactListResponse,
  ContactLookupResponse,
  DecryptRequest,
  DecryptResponse,
  GroupChatDetailResponse,
  GroupChatListQuery,
  GroupChatListResponse,
  MeResponse,
} from '../typings/api';
import type { Auth } from './auth';
import type { SidebarContext } from './context';
import type { Request } from './request';

/** The server's lookup accepts 1..100 ids per call. */
const LOOKUP_BATCH = 100;

export interface Api {
  me(): Promise<MeResponse>;
  listContacts(query?: ContactListQuery): Promise<ContactListResponse>;
  getContact(externalUserId: string): Promise<ContactDetailResponse>;
  /** Any number of ids, sent in batches of 100; answers merged in order. */
  lookupContacts(externalUserIds: readonly string[]): Promise<ContactLookupResponse>;
  /** The groups this employee owns. */
  listGroupChats(query?: GroupChatListQuery): Promise<GroupChatListResponse>;
  getGroupChat(chatId: string): Promise<GroupChatDetailResponse>;
  /**
   * Decrypts what getMobile / getEmail returned. Not retried with a new login: a new login
   * changes the session_key, and the data was encrypted with the current one.
   */
  decrypt(body: DecryptRequest): Promise<DecryptResponse>;
}

/**
 * The employee endpoints of the server, each behind a live session. The first read of the customer
 * or group that the login brought with it (a sidebar open) is answered with that, not asked again.
 */
export function createApi({
  auth,
  request,
  sidebar,
}: {
  auth: Auth;
  request: Request;
  sidebar: SidebarContext;
}): Api {
  const get = <T>(path: string, query?: Record<string, string | number | undefined>) =>
    auth.withSession(() => request<T>({ method: 'GET', path, query }));

  return {
    me: () => get<MeResponse>('/api/me'),
    listContacts: (query = {}) =>
      get<ContactListResponse>('/api/external-contacts', {
        cursor: query.cursor,
        limit: query.limit,
      }),
    // The login may bring the sidebar's customer or group: taken once, after the session is sure.
    getContact: (externalUserId) =>
      auth.withSession(
        async () =>
          sidebar.takeContact(externalUserId) ??
          request<ContactDetailResponse>({
            method: 'GET',
            path: `/api/external-contacts/${encodeURIComponent(externalUserId)}`,
          }),
      ),
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
    listGroupChats: (query = {}) =>
      get<GroupChatListResponse>('/api/group-chats', { cursor: query.cursor, limit: query.limit }),
    getGroupChat: (chatId) =>
      auth.withSession(
        async () =>
          sidebar.takeGroupChat(chatId) ??
          request<GroupChatDetailResponse>({
            method: 'GET',
            path: `/api/group-chats/${encodeURIComponent(chatId)}`,
          }),
      ),
    async decrypt(body) {
      await auth.ensureSession();
      return request<DecryptResponse>({
        method: 'POST',
        path: '/api/me/decrypt',
        body: { encryptedData: body.encryptedData, iv: body.iv },
      });
    },
  };
}
