import { z } from 'zod';

/** zod guards for WeCom answers (errcode 0 already checked by the HTTP layer). */

export const jscode2sessionGuard = z.object({
  corpid: z.string().min(1),
  userid: z.string().min(1),
  session_key: z.string().min(1),
  deviceid: z.string().optional(),
});
export type Jscode2session = z.infer<typeof jscode2sessionGuard>;

export const userGuard = z.object({
  userid: z.string(),
  name: z.string().optional(),
  department: z.array(z.number()).optional(),
  position: z.string().optional(),
  status: z.number().optional(),
});
export type WecomUser = z.infer<typeof userGuard>;

// ---- customer contact (externalcontact/*) --------------------------------------------------------

const externalContactGuard = z.object({
  external_userid: z.string().min(1),
  name: z.string().optional(),
  type: z.number().int(),
  avatar: z.string().optional(),
  gender: z.number().int().optional(),
  position: z.string().optional(),
  corp_name: z.string().optional(),
  corp_full_name: z.string().optional(),
});
export type WecomExternalContact = z.infer<typeof externalContactGuard>;

const followCommon = {
  userid: z.string().min(1),
  remark: z.string().optional(),
  description: z.string().optional(),
  createtime: z.number(),
  remark_corp_name: z.string().optional(),
  add_way: z.number().int().optional(),
};

const followUserGuard = z.object({
  ...followCommon,
  tags: z
    .array(
      z.object({
        group_name: z.string().optional(),
        tag_name: z.string(),
        tag_id: z.string().optional(),
        type: z.number().int(),
      }),
    )
    .optional(),
});
export type WecomFollowUser = z.infer<typeof followUserGuard>;

/** externalcontact/get: `follow_user` lists only followers inside the app's visible range. */
export const externalContactDetailGuard = z.object({
  external_contact: externalContactGuard,
  follow_user: z.array(followUserGuard).optional(),
  next_cursor: z.string().optional(),
});
export type WecomExternalContactDetail = z.infer<typeof externalContactDetailGuard>;

const followInfoGuard = z.object({ ...followCommon, tag_id: z.array(z.string()).optional() });
export type WecomFollowInfo = z.infer<typeof followInfoGuard>;

/** externalcontact/batch/get_by_user: `follow_info.tag_id` holds ids, not tag objects. */
export const contactsByUserGuard = z.object({
  external_contact_list: z.array(
    z.object({ external_contact: externalContactGuard, follow_info: followInfoGuard }),
  ),
  next_cursor: z.string().optional(),
});
export type WecomContactsByUser = z.infer<typeof contactsByUserGuard>;

/** externalcontact/groupchat/list */
export const groupChatListGuard = z.object({
  group_chat_list: z.array(z.object({ chat_id: z.string().min(1), status: z.number().int() })),
  next_cursor: z.string().optional(),
});
export type WecomGroupChatList = z.infer<typeof groupChatListGuard>;

/** externalcontact/groupchat/get (with need_name = 1 the members carry `name`). */
export const groupChatGuard = z.object({
  group_chat: z.object({
    chat_id: z.string().min(1),
    name: z.string().optional(),
    owner: z.string(),
    create_time: z.number(),
    notice: z.string().optional(),
    member_list: z
      .array(
        z.object({
          userid: z.string().min(1),
          type: z.number().int(),
          join_time: z.number(),
          join_scene: z.number().int().optional(),
          group_nickname: z.string().optional(),
          name: z.string().optional(),
        }),
      )
      .optional(),
    admin_list: z.array(z.object({ userid: z.string() })).optional(),
  }),
});
export type WecomGroupChat = z.infer<typeof groupChatGuard>['group_chat'];

// ---- web login and JS-SDK ----------------------------------------------------------------------

/**
 * auth/getuserinfo: a member of the corp (`userid`; `user_ticket` only for snsapi_privateinfo)
 * or someone outside it (`openid`; `external_userid` when they are a customer).
 */
export const oauthUserInfoSchema = z.union([
  z.object({ userid: z.string().min(1).max(64), user_ticket: z.string().optional() }),
  z.object({ openid: z.string().min(1).max(128), external_userid: z.string().optional() }),
]);
export type WecomOauthUserInfo = z.infer<typeof oauthUserInfoSchema>;

/** get_jsapi_ticket and ticket/get?type=agent_config. */
export const jsapiTicketSchema = z.object({
  ticket: z.string().min(1).max(512),
  expires_in: z.number().int().positive(),
});
export type WecomJsapiTicket = z.infer<typeof jsapiTicketSchema>;
