import { z } from 'zod';
import { withDefault } from './lenient';

/**
 * zod schemas of WeCom answers (errcode 0 already checked by the HTTP layer). They require only
 * what the logic uses; other documented fields take a default when missing (see lenient.ts).
 */

export const jscode2sessionSchema = z.object({
  corpid: z.string().min(1),
  userid: z.string().min(1),
  session_key: z.string().min(1),
  deviceid: z.string().optional(),
  /** A third-party app's login only: the employee's ID across the service provider's apps. */
  open_userid: z.string().min(1).max(128).optional(),
});
export type Jscode2session = z.infer<typeof jscode2sessionSchema>;

/** gettoken: at most 512 bytes, and its lifetime (read, not assumed to be 7200 s). */
export const gettokenSchema = z.object({
  access_token: z.string().min(1).max(512),
  expires_in: z.number().int().positive(),
});

/** getcallbackip: WeCom's callback egress IPs (asked without a token, it answers 41001 instead). */
export const callbackIpSchema = z.object({ ip_list: z.array(z.string()).max(10_000).optional() });

/** agent/get: the app's name, which names it in the doctor's fixes. */
export const agentSchema = z.object({ name: z.string().max(256) });
export type WecomAgent = z.infer<typeof agentSchema>;

// ---- customer contact (externalcontact/*) --------------------------------------------------------

/**
 * A customer's or group's name: the name cache keeps what it is given, so a name longer than any
 * WeCom gives is read as no name (and counted) rather than kept.
 */
const displayName = (field: string) =>
  withDefault(field, z.string().max(256), undefined).optional();

const externalContactSchema = z.object({
  external_userid: z.string().min(1),
  name: displayName('external_contact.name'),
  /** 1 WeChat, 2 WeCom: decides only which fields are shown. */
  type: withDefault('external_contact.type', z.number().int(), 1),
  avatar: z.string().optional(),
  gender: z.number().int().optional(),
  position: z.string().optional(),
  corp_name: z.string().optional(),
  corp_full_name: z.string().optional(),
});
export type WecomExternalContact = z.infer<typeof externalContactSchema>;

/** The fields of a follow entry shared by `follow_user` and `follow_info`; 0 = time not given. */
const followCommon = (entry: string) => ({
  remark: z.string().optional(),
  description: z.string().optional(),
  createtime: withDefault(`${entry}.createtime`, z.number(), 0),
  remark_corp_name: z.string().optional(),
  add_way: z.number().int().optional(),
});

const followUserSchema = z.object({
  /** Who follows: the access rule reads it, so an entry without it is not WeCom's. */
  userid: z.string().min(1),
  ...followCommon('follow_user'),
  tags: z
    .array(
      z.object({
        group_name: z.string().optional(),
        tag_name: z.string(),
        tag_id: z.string().optional(),
        /** 0 (not given) leaves the tag out, as an unknown type does. */
        type: withDefault('follow_user.tags.type', z.number().int(), 0),
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

/**
 * batch/get_by_user's entry: the follower asked about. The gateway asks for one employee at a
 * time, so an entry without `userid` is that employee's (the caller fills it in).
 */
const followInfoSchema = z.object({
  userid: withDefault('follow_info.userid', z.string().min(1), undefined),
  ...followCommon('follow_info'),
  tag_id: z.array(z.string()).optional(),
});
export type WecomFollowInfo = z.infer<typeof followInfoSchema>;

/** externalcontact/batch/get_by_user: `follow_info.tag_id` holds ids, not tag objects. */
export const contactsByUserSchema = z.object({
  external_contact_list: z.array(
    z.object({ external_contact: externalContactSchema, follow_info: followInfoSchema }),
  ),
  next_cursor: z.string().optional(),
});
export type WecomContactsByUser = z.infer<typeof contactsByUserSchema>;

/** externalcontact/get_follow_user_list: the members with customer contact in the visible range. */
export const followUserListSchema = z.object({
  follow_user: z.array(z.string()).max(100_000).optional(),
});

/** externalcontact/groupchat/list */
export const groupChatListSchema = z.object({
  group_chat_list: z.array(
    z.object({
      chat_id: z.string().min(1),
      status: withDefault('group_chat_list.status', z.number().int(), 0),
    }),
  ),
  next_cursor: z.string().optional(),
});
export type WecomGroupChatList = z.infer<typeof groupChatListSchema>;

/** externalcontact/groupchat/get (with need_name = 1 the members carry `name`). */
export const groupChatDetailSchema = z.object({
  group_chat: z.object({
    chat_id: z.string().min(1),
    name: displayName('group_chat.name'),
    owner: z.string(),
    create_time: withDefault('group_chat.create_time', z.number(), 0),
    notice: z.string().optional(),
    member_list: z
      .array(
        z.object({
          userid: z.string().min(1),
          /** 1 employee, 2 customer: the access rule reads it. */
          type: z.number().int(),
          join_time: withDefault('group_chat.member_list.join_time', z.number(), 0),
          join_scene: z.number().int().optional(),
          group_nickname: z.string().optional(),
          name: z.string().optional(),
        }),
      )
      .optional(),
    admin_list: z.array(z.object({ userid: z.string() })).optional(),
  }),
});
export type WecomGroupChat = z.infer<typeof groupChatDetailSchema>['group_chat'];

// ---- web login and JS-SDK ----------------------------------------------------------------------

/**
 * auth/getuserinfo: a member of the corp has a `userid` (and `user_ticket` for
 * snsapi_privateinfo). Anyone else comes without one — an `openid`, a customer's
 * `external_userid`, or a school parent's `external_userid` and `parent_userid` (家校沟通) — and
 * the login only needs to know that it is not a member.
 */
export const oauthUserInfoSchema = z.object({
  userid: z.string().min(1).max(64).optional(),
  user_ticket: z.string().optional(),
});
export type WecomOauthUserInfo = z.infer<typeof oauthUserInfoSchema>;

/** get_jsapi_ticket and ticket/get?type=agent_config. */
export const jsapiTicketSchema = z.object({
  ticket: z.string().min(1).max(512),
  expires_in: z.number().int().positive(),
});
export type WecomJsapiTicket = z.infer<typeof jsapiTicketSchema>;
