import { z } from 'zod';
import type { NameKind } from '../stores/name-cache';
import type { WecomClient } from '../wecom/client';

/**
 * One WeCom call per id kind that answers its display name (kept apart from `wecom/api.ts`, whose
 * customer and group calls serve employees): user/get (directory credential),
 * externalcontact/get and externalcontact/groupchat/get (contact credential). An empty name is
 * answered as null. The signal ends the call (a deadline, a client that left).
 */
export type NameLookups = Record<
  NameKind,
  (id: string, signal?: AbortSignal) => Promise<string | null>
>;

const userNameSchema = z.object({ name: z.string().max(256).optional() });
const externalNameSchema = z.object({
  external_contact: z.object({ name: z.string().max(256).optional() }),
});
const groupNameSchema = z.object({
  group_chat: z.object({ name: z.string().max(256).optional() }),
});

const nameOrNull = (name: string | undefined) => (name ? name : null);

export function createNameLookups(deps: { client: WecomClient }): NameLookups {
  const { client } = deps;
  return {
    user: async (userid, signal) =>
      nameOrNull(
        (
          await client.call('directory', {
            api: 'user/get',
            query: { userid },
            schema: userNameSchema,
            signal,
          })
        ).name,
      ),
    external: async (externalUserId, signal) =>
      nameOrNull(
        (
          await client.call('contact', {
            api: 'externalcontact/get',
            query: { external_userid: externalUserId },
            schema: externalNameSchema,
            signal,
          })
        ).external_contact.name,
      ),
    groupchat: async (chatId, signal) =>
      nameOrNull(
        (
          await client.call('contact', {
            api: 'externalcontact/groupchat/get',
            method: 'POST',
            body: { chat_id: chatId, need_name: 0 },
            schema: groupNameSchema,
            signal,
          })
        ).group_chat.name,
      ),
  };
}
