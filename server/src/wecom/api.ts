import type { WecomClient } from './client';
import { CUSTOMER_NOT_FOUND, GROUP_NOT_FOUND, LOGIN_CODE_REJECTED } from './errcodes';
import {
  contactsByUserSchema,
  externalContactDetailSchema,
  groupChatListSchema,
  groupChatSchema,
  type Jscode2session,
  jsapiTicketSchema,
  jscode2sessionSchema,
  oauthUserInfoSchema,
  userSchema,
  type WecomContactsByUser,
  type WecomExternalContactDetail,
  type WecomGroupChat,
  type WecomGroupChatList,
  type WecomJsapiTicket,
  type WecomOauthUserInfo,
  type WecomUser,
} from './schemas';

/** Typed WeCom calls used by the routes; each names the credential it needs. */
export interface WecomApi {
  jscode2session(code: string): Promise<Jscode2session>;
  getUser(userid: string): Promise<WecomUser>;
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
  /** One page of the groups owned by one employee, every status (limit 1..1000). */
  listGroupChatsOwnedBy(
    userid: string,
    page: { cursor?: string; limit: number },
  ): Promise<WecomGroupChatList>;
  /** A group's detail with member names. */
  getGroupChat(chatId: string, options?: { signal?: AbortSignal }): Promise<WecomGroupChat>;
  /** Who an OAuth2 / QR login code stands for (auth/getuserinfo with the app's token). */
  getUserInfoByCode(code: string): Promise<WecomOauthUserInfo>;
  /** The corp's jsapi_ticket, for `wx.config`. */
  getJsapiTicket(): Promise<WecomJsapiTicket>;
  /** The app's agent_config ticket, for `wx.agentConfig` (the app of WECOM_APP_SECRET). */
  getAgentConfigTicket(): Promise<WecomJsapiTicket>;
}

export function createWecomApi(deps: { client: WecomClient }): WecomApi {
  const { client } = deps;
  return {
    jscode2session: (code) =>
      client.call('app', {
        api: 'miniprogram/jscode2session',
        query: { js_code: code, grant_type: 'authorization_code' },
        schema: jscode2sessionSchema,
      }),
    getUser: (userid) =>
      client.call('directory', { api: 'user/get', query: { userid }, schema: userSchema }),
    getExternalContact: (externalUserId, options = {}) =>
      client.call('contact', {
        api: 'externalcontact/get',
        query: { external_userid: externalUserId, cursor: options.cursor || undefined },
        schema: externalContactDetailSchema,
        signal: options.signal,
        expectedErrcodes: CUSTOMER_NOT_FOUND,
      }),
    getContactsByUser: (userid, page) =>
      client.call('contact', {
        api: 'externalcontact/batch/get_by_user',
        method: 'POST',
        body: { userid_list: [userid], cursor: page.cursor ?? '', limit: page.limit },
        schema: contactsByUserSchema,
      }),
    listGroupChatsOwnedBy: (userid, page) =>
      client.call('contact', {
        api: 'externalcontact/groupchat/list',
        method: 'POST',
        body: {
          status_filter: 0,
          owner_filter: { userid_list: [userid] },
          cursor: page.cursor ?? '',
          limit: page.limit,
        },
        schema: groupChatListSchema,
      }),
    getGroupChat: async (chatId, options = {}) =>
      (
        await client.call('contact', {
          api: 'externalcontact/groupchat/get',
          method: 'POST',
          body: { chat_id: chatId, need_name: 1 },
          schema: groupChatSchema,
          signal: options.signal,
          expectedErrcodes: GROUP_NOT_FOUND,
        })
      ).group_chat,
    getUserInfoByCode: (code) =>
      client.call('app', {
        api: 'auth/getuserinfo',
        query: { code },
        schema: oauthUserInfoSchema,
        expectedErrcodes: LOGIN_CODE_REJECTED,
      }),
    getJsapiTicket: () =>
      client.call('app', { api: 'get_jsapi_ticket', schema: jsapiTicketSchema }),
    getAgentConfigTicket: () =>
      client.call('app', {
        api: 'ticket/get',
        query: { type: 'agent_config' },
        schema: jsapiTicketSchema,
      }),
  };
}
