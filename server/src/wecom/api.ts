import { apiPaths } from './api-paths';
import type { WecomClient } from './client';
import { CUSTOMER_NOT_FOUND, GROUP_NOT_FOUND, LOGIN_CODE_REJECTED } from './errcodes';
import {
  agentSchema,
  contactsByUserSchema,
  externalContactDetailSchema,
  followUserListSchema,
  groupChatDetailSchema,
  groupChatListSchema,
  type Jscode2session,
  jsapiTicketSchema,
  jscode2sessionSchema,
  oauthUserInfoSchema,
  type WecomAgent,
  type WecomContactsByUser,
  type WecomExternalContactDetail,
  type WecomGroupChat,
  type WecomGroupChatList,
  type WecomJsapiTicket,
  type WecomOauthUserInfo,
} from './schemas';

/**
 * Typed WeCom calls of the app and customer contact; each names the credential it needs (the
 * address book's calls are in address-book.ts).
 */
export interface WecomApi {
  jscode2session(code: string): Promise<Jscode2session>;
  /** The app of the agent id (agent/get with the app's token). */
  getAgent(agentId: string): Promise<WecomAgent>;
  /** One page of a customer's detail; `follow_user` pages at 500 (pass the previous next_cursor). */
  getExternalContact(
    externalUserId: string,
    options?: { cursor?: string; signal?: AbortSignal },
  ): Promise<WecomExternalContactDetail>;
  /** One page of the customers of one employee (limit 1..100). */
  getContactsByUser(
    userid: string,
    page: { cursor?: string; limit: number },
  ): Promise<WecomContactsByUser>;
  /** The members with customer contact in the app's visible range. */
  listFollowUsers(): Promise<string[]>;
  /** One page of the groups owned by one employee, every status (limit 1..1000). */
  listGroupChatsOwnedBy(
    userid: string,
    page: { cursor?: string; limit: number },
  ): Promise<WecomGroupChatList>;
  /**
   * One page of all the groups, without owner_filter: WeCom refuses it (81017) when more than
   * 1,000 people are in the visible range, which is why the server lists by owner.
   */
  listGroupChats(page: { cursor?: string; limit: number }): Promise<WecomGroupChatList>;
  /** A group's detail, with the members' names unless `memberNames` is false. */
  getGroupChat(
    chatId: string,
    options?: { signal?: AbortSignal; memberNames?: boolean },
  ): Promise<WecomGroupChat>;
  /** Who an OAuth2 / QR login code stands for (auth/getuserinfo with the app's token). */
  getUserInfoByCode(code: string): Promise<WecomOauthUserInfo>;
  /** The corp's jsapi_ticket, for `wx.config`. */
  getJsapiTicket(): Promise<WecomJsapiTicket>;
  /** The app's agent_config ticket, for `wx.agentConfig` (the app of WECOM_APP_SECRET). */
  getAgentConfigTicket(): Promise<WecomJsapiTicket>;
}

export function createWecomApi(deps: {
  client: WecomClient;
  /** The mini-program login of a third-party app (with its suite's token), instead of the app's. */
  jscode2session?: WecomApi['jscode2session'];
}): WecomApi {
  const { client } = deps;
  const groupChatList = (owner: string | undefined, page: { cursor?: string; limit: number }) =>
    client.call('contact', {
      api: apiPaths.listGroupChats,
      method: 'POST',
      body: {
        status_filter: 0,
        ...(owner !== undefined && { owner_filter: { userid_list: [owner] } }),
        cursor: page.cursor ?? '',
        limit: page.limit,
      },
      schema: groupChatListSchema,
    });
  return {
    jscode2session:
      deps.jscode2session ??
      ((code) =>
        client.call('app', {
          api: apiPaths.jscode2session,
          query: { js_code: code, grant_type: 'authorization_code' },
          schema: jscode2sessionSchema,
        })),
    getAgent: (agentId) =>
      client.call('app', {
        api: apiPaths.getAgent,
        query: { agentid: agentId },
        schema: agentSchema,
      }),
    getExternalContact: (externalUserId, options = {}) =>
      client.call('contact', {
        api: apiPaths.getExternalContact,
        query: { external_userid: externalUserId, cursor: options.cursor || undefined },
        schema: externalContactDetailSchema,
        signal: options.signal,
        expectedErrcodes: CUSTOMER_NOT_FOUND,
      }),
    getContactsByUser: (userid, page) =>
      client.call('contact', {
        api: apiPaths.getContactsByUser,
        method: 'POST',
        body: { userid_list: [userid], cursor: page.cursor ?? '', limit: page.limit },
        schema: contactsByUserSchema,
      }),
    listFollowUsers: async () =>
      (
        await client.call('contact', {
          api: apiPaths.listFollowUsers,
          schema: followUserListSchema,
        })
      ).follow_user ?? [],
    listGroupChatsOwnedBy: (userid, page) => groupChatList(userid, page),
    listGroupChats: (page) => groupChatList(undefined, page),
    getGroupChat: async (chatId, options = {}) =>
      (
        await client.call('contact', {
          api: apiPaths.getGroupChat,
          method: 'POST',
          body: { chat_id: chatId, need_name: options.memberNames === false ? 0 : 1 },
          schema: groupChatDetailSchema,
          signal: options.signal,
          expectedErrcodes: GROUP_NOT_FOUND,
        })
      ).group_chat,
    getUserInfoByCode: (code) =>
      client.call('app', {
        api: apiPaths.getUserInfoByCode,
        query: { code },
        schema: oauthUserInfoSchema,
        expectedErrcodes: LOGIN_CODE_REJECTED,
      }),
    getJsapiTicket: () =>
      client.call('app', { api: apiPaths.getJsapiTicket, schema: jsapiTicketSchema }),
    getAgentConfigTicket: () =>
      client.call('app', {
        api: apiPaths.getAgentConfigTicket,
        query: { type: 'agent_config' },
        schema: jsapiTicketSchema,
      }),
  };
}
