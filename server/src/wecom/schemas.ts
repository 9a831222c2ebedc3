import { z } from 'zod';

/** zod schemas of WeCom answers (errcode 0 already checked by the HTTP layer). */

export const jscode2sessionSchema = z.object({
  corpid: z.string().min(1),
  userid: z.string().min(1),
  session_key: z.string().min(1),
  deviceid: z.string().optional(),
});
export type Jscode2session = z.infer<typeof jscode2sessionSchema>;

export const userSchema = z.object({
  userid: z.string(),
  name: z.string().optional(),
  department: z.array(z.number()).optional(),
  position: z.string().optional(),
  status: z.number().optional(),
});
export type WecomUser = z.infer<typeof userSchema>;

// ---- customer contact (externalcontact/*) --------------------------------------------------------

const externalContactSchema = z.object({
  external_userid: z.string().min(1),
  name: z.string().optional(),
  type: z.number().int(),
  avatar: z.string().optional(),
  gender: z.number().int().optional(),
  position: z.string().optional(),
  corp_name: z.string().optional(),
  corp_full_name: z.string().optional(),
});
export type WecomExternalContact = z.infer<typeof externalContactSchema>;

const followCommon = {
  userid: z.string().min(1),
  remark: z.string().optional(),
  description: z.string().optional(),
  createtime: z.number(),
  remark_corp_name: z.string().optional(),
  add_way: z.number().int().optional(),
};

const followUserSchema = z.object({
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
export type WecomFollowUser = z.infer<typeof followUserSchema>;

/** externalcontact/get: `follow_user` lists only followers inside the app's visible range. */
export const externalContactDetailSchema = z.object({
  external_contact: externalContactSchema,
  follow_user: z.array(followUserSchema).optional(),
  next_cursor: z.string().optional(),
});
export type WecomExternalContactDetail = z.infer<typeof externalContactDetailSchema>;

const followInfoSchema = z.object({ ...followCommon, tag_id: z.array(z.string()).optional() });
export type WecomFollowInfo = z.infer<typeof followInfoSchema>;

/** externalcontact/batch/get_by_user: `follow_info.tag_id` holds ids, not tag objects. */
export const contactsByUserSchema = z.object({
  external_contact_list: z.array(
    z.object({ external_contact: externalContactSchema, follow_info: followInfoSchema }),
  ),
  next_cursor: z.string().optional(),
});
export type WecomContactsByUser = z.infer<typeof contactsByUserSchema>;

/** externalcontact/groupchat/list */
export const groupChatListSchema = z.object({
  group_chat_list: z.array(z.object({ chat_id: z.string().min(1), status: z.number().int() })),
  next_cursor: z.string().optional(),
});
export type WecomGroupChatList = z.infer<typeof groupChatListSchema>;

/** externalcontact/groupchat/get (with need_name = 1 the members carry `name`). */
export const groupChatSchema = z.object({
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
export type WecomGroupChat = z.infer<typeof groupChatSchema>['group_chat'];

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
