import type {
  ContactListItem,
  ExternalContact,
  FollowUser,
  GroupChat,
  GroupChatStatus,
} from '../../../miniprogram/typings/api';
import type {
  WecomExternalContact,
  WecomFollowInfo,
  WecomFollowUser,
  WecomGroupChat,
} from '../wecom/schemas';

/**
 * WeCom's customer and group shapes → the camelCase wire types. Only fields an
 * employee needs; empty strings (WeCom's "hidden" or "not set") are left out, and nothing
 * restricted (unionid, remark_mobiles, oper_userid, state) is passed on.
 */

const nonEmpty = (value: string | undefined) => (value ? value : undefined);
/** WeCom's seconds as an ISO instant; 0 (WeCom did not say) is left out. */
const isoOfSeconds = (seconds: number) =>
  seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;

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

function followBase(
  f: WecomFollowUser | WecomFollowInfo,
  userid: string,
): Omit<FollowUser, 'tags'> {
  return {
    userid,
    remark: nonEmpty(f.remark),
    description: nonEmpty(f.description),
    addedAt: isoOfSeconds(f.createtime),
    remarkCorpName: nonEmpty(f.remark_corp_name),
    addWay: f.add_way,
  };
}

export function toFollowUser(f: WecomFollowUser): FollowUser {
  return {
    ...followBase(f, f.userid),
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

/** One row of an employee's own list; `userid` is theirs, for an entry that does not name it. */
export function toContactListItem(
  row: { external_contact: WecomExternalContact; follow_info: WecomFollowInfo },
  userid: string,
): ContactListItem {
  const { follow_info: follow } = row;
  return {
    externalContact: toExternalContact(row.external_contact),
    followUser: { ...followBase(follow, follow.userid ?? userid), tagIds: follow.tag_id ?? [] },
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
