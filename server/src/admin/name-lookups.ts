import type { NameKind } from '../stores/name-cache';
import type { WecomAddressBook } from '../wecom/address-book';
import type { WecomApi } from '../wecom/api';

/**
 * One WeCom call per id kind that answers its display name, with the server's token cache:
 * user/get (directory credential), externalcontact/get and externalcontact/groupchat/get (contact
 * credential; the group's members without their names). An empty name is answered as null. The
 * signal ends the call (a deadline, a client that left).
 */
export type NameLookups = Record<
  NameKind,
  (id: string, signal?: AbortSignal) => Promise<string | null>
>;

const nameOrNull = (name: string | undefined) => (name ? name : null);

export function createNameLookups(deps: {
  api: Pick<WecomApi, 'getExternalContact' | 'getGroupChat'>;
  addressBook: Pick<WecomAddressBook, 'getMember'>;
}): NameLookups {
  const { api, addressBook } = deps;
  return {
    user: async (userid, signal) =>
      nameOrNull((await addressBook.getMember(userid, { signal })).name),
    external: async (externalUserId, signal) =>
      nameOrNull((await api.getExternalContact(externalUserId, { signal })).external_contact.name),
    groupchat: async (chatId, signal) =>
      nameOrNull((await api.getGroupChat(chatId, { signal, memberNames: false })).name),
  };
}
