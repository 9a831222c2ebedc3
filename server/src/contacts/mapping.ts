import { z } from 'zod';
import type {
  ContactDetail,
  ContactListItem,
  ContactTag,
  ExternalContact,
  FollowUser,
  GroupChat,
  GroupChatMember,
  GroupChatStatus,
} from '../../../miniprogram/typings/api';
import type {
  WecomExternalContact,
  WecomFollowInfo,
  WecomFollowUser,
  WecomGroupChat,
} from './guards';

/**
 * WeCom's customer and group shapes → the camelCase wire types (DESIGN §4). Only fields an
 * employee needs; empty strings (WeCom's "hidden" or "not set") are left out, and nothing
 * restricted (unionid, remark_mobiles, oper_userid, state) is passed on.
 */

export const externalContactSchema = z.object({
  externalUserId: z.string(),
  name: z.string(),
  type: z.enum(['wechat', 'wecom']),
  avatar: z.string().optional(),
  gender: z.enum(['unknown', 'male', 'female']),
  position: z.string().optional(),
  corpName: z.string().optional(),
  corpFullName: z.string().optional(),
}) satisfies z.ZodType<ExternalContact>;

const contactTagSchema = z.object({
  tagId: z.string().optional(),
  groupName: z.string().optional(),
  tagName: z.string(),
  type: z.enum(['corp', 'personal', 'rule']),
}) satisfies z.ZodType<ContactTag>;

const followFields = {
  userid: z.string(),
  remark: z.string().optional(),
  description: z.string().optional(),
  addedAt: z.string(),
  remarkCorpName: z.string().optional(),
  addWay: z.number().optional(),
};

export const followUserSchema = z.object({
  ...followFields,
  tags: z.array(contactTagSchema),
}) satisfies z.ZodType<FollowUser>;

export const contactDetailSchema = z.object({
  externalContact: externalContactSchema,
  followUser: followUserSchema,
}) satisfies z.ZodType<ContactDetail>;

export const contactListItemSchema = z.object({
  externalContact: externalContactSchema,
  followUser: z.object({ ...followFields, tagIds: z.array(z.string()) }),
}) satisfies z.ZodType<ContactListItem>;

const groupChatMemberSchema = z.object({
  userid: z.string(),
  type: z.enum(['employee', 'customer']),
  name: z.string().optional(),
  groupNickname: z.string().optional(),
  joinedAt: z.string(),
  joinScene: z.enum(['direct', 'link', 'qrcode', 'unknown']),
}) satisfies z.ZodType<GroupChatMember>;

export const groupChatSchema = z.object({
  chatId: z.string(),
  name: z.string(),
  owner: z.string(),
  createdAt: z.string(),
  notice: z.string().optional(),
  members: z.array(groupChatMemberSchema),
  adminUserIds: z.array(z.string()),
}) satisfies z.ZodType<GroupChat>;

export const groupChatStatusSchema = z.enum(['normal', 'owner_left', 'inheriting', 'inherited']);

/** A customer as cached: shared by every employee; authorization picks the caller's entry. */
export const customerSchema = z.object({
  externalContact: externalContactSchema,
  followUsers: z.array(followUserSchema),
});
export type Customer = z.infer<typeof customerSchema>;

const nonEmpty = (value: string | undefined) => (value ? value : undefined);
const isoOfSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

export function toExternalContact(c: WecomExternalContact): ExternalContact {
  const wecom = c.type === 2;
  return {
    externalUserId: c.external_userid,
    name: c.name ?? '',
    type: wecom ? 'wecom' : 'wechat',
    avatar: nonEmpty(c.avatar),
    gender: c.gender === 1 ? 'male' : c.gender === 2 ? 'female' : 'unknown',
    ...(wecom
      ? {
          position: nonEmpty(c.position),
          corpName: nonEmpty(c.corp_name),
          corpFullName: nonEmpty(c.corp_full_name),
        }
      : {}),
  };
}

const TAG_TYPES = { 1: 'corp', 2: 'personal', 3: 'rule' } as const;

function followBase(f: WecomFollowUser | WecomFollowInfo): Omit<FollowUser, 'tags'> {
  return {
    userid: f.userid,
    remark: nonEmpty(f.remark),
    description: nonEmpty(f.description),
    addedAt: isoOfSeconds(f.createtime),
    remarkCorpName: nonEmpty(f.remark_corp_name),
    addWay: f.add_way,
  };
}

export function toFollowUser(f: WecomFollowUser): FollowUser {
  return {
    ...followBase(f),
    tags: (f.tags ?? []).flatMap((tag) => {
      const type = TAG_TYPES[tag.type as keyof typeof TAG_TYPES];
      if (type === undefined) return [];
      return [
        {
          tagId: nonEmpty(tag.tag_id),
          groupName: nonEmpty(tag.group_name),
          tagName: tag.tag_name,
          type,
        },
      ];
    }),
  };
}

export function toContactListItem(row: {
  external_contact: WecomExternalContact;
  follow_info: WecomFollowInfo;
}): ContactListItem {
  return {
    externalContact: toExternalContact(row.external_contact),
    followUser: { ...followBase(row.follow_info), tagIds: row.follow_info.tag_id ?? [] },
  };
}

const GROUP_STATUSES: readonly GroupChatStatus[] = [
  'normal',
  'owner_left',
  'inheriting',
  'inherited',
];

export function toGroupChatStatus(status: number): GroupChatStatus {
  return GROUP_STATUSES[status] ?? 'normal';
}

const JOIN_SCENES = { 1: 'direct', 2: 'link', 3: 'qrcode' } as const;

export function toGroupChat(g: WecomGroupChat): GroupChat {
  return {
    chatId: g.chat_id,
    name: g.name ?? '',
    owner: g.owner,
    createdAt: isoOfSeconds(g.create_time),
    notice: nonEmpty(g.notice),
    members: (g.member_list ?? []).map((m) => ({
      userid: m.userid,
      type: m.type === 2 ? 'customer' : 'employee',
      name: nonEmpty(m.name),
      groupNickname: nonEmpty(m.group_nickname),
      joinedAt: isoOfSeconds(m.join_time),
      joinScene: JOIN_SCENES[m.join_scene as keyof typeof JOIN_SCENES] ?? 'unknown',
    })),
    adminUserIds: (g.admin_list ?? []).map((admin) => admin.userid),
  };
}

/** DESIGN §4: a customer is this employee's when their userid is in its follow_user. */
export function followEntryOf(customer: Customer, userid: string): FollowUser | undefined {
  return customer.followUsers.find((f) => f.userid === userid);
}

/** DESIGN §4: a group is readable by its owner and by its employee members. */
export function canReadGroup(group: GroupChat, userid: string): boolean {
  return (
    group.owner === userid ||
    group.members.some((m) => m.type === 'employee' && m.userid === userid)
  );
}
