import { z } from 'zod';
import type {
  ContactDetail,
  ContactListItem,
  ContactListResponse,
  ContactLookupResponse,
  ContactTag,
  ExternalContact,
  FollowUser,
  GroupChat,
  GroupChatDetailResponse,
  GroupChatListResponse,
  GroupChatMember,
  GroupChatSummary,
} from '../../../miniprogram/typings/api';
import { exactly } from '../exact';

/**
 * The customer and group wire types as zod schemas: what is cached (shared by every employee) and
 * what the routes answer. An answer parsed with its schema keeps only the declared fields.
 */

export const externalContactSchema = exactly<ExternalContact>()(
  z.object({
    externalUserId: z.string(),
    name: z.string(),
    type: z.enum(['wechat', 'wecom']),
    avatar: z.string().optional(),
    gender: z.enum(['unknown', 'male', 'female']),
    position: z.string().optional(),
    corpName: z.string().optional(),
    corpFullName: z.string().optional(),
  }),
);

const contactTagSchema = exactly<ContactTag>()(
  z.object({
    tagId: z.string().optional(),
    groupName: z.string().optional(),
    tagName: z.string(),
    type: z.enum(['corp', 'personal', 'rule']),
  }),
);

const followFields = {
  userid: z.string(),
  remark: z.string().optional(),
  description: z.string().optional(),
  addedAt: z.string().optional(),
  remarkCorpName: z.string().optional(),
  addWay: z.number().optional(),
};

export const followUserSchema = exactly<FollowUser>()(
  z.object({
    ...followFields,
    tags: z.array(contactTagSchema),
  }),
);

export const contactDetailSchema = exactly<ContactDetail>()(
  z.object({
    externalContact: externalContactSchema,
    followUser: followUserSchema,
  }),
);

export const contactListItemSchema = exactly<ContactListItem>()(
  z.object({
    externalContact: externalContactSchema,
    followUser: z.object({ ...followFields, tagIds: z.array(z.string()) }),
  }),
);

const groupChatMemberSchema = exactly<GroupChatMember>()(
  z.object({
    userid: z.string(),
    type: z.enum(['employee', 'customer']),
    name: z.string().optional(),
    groupNickname: z.string().optional(),
    joinedAt: z.string().optional(),
    joinScene: z.enum(['direct', 'link', 'qrcode', 'unknown']),
  }),
);

export const groupChatSchema = exactly<GroupChat>()(
  z.object({
    chatId: z.string(),
    name: z.string(),
    owner: z.string(),
    createdAt: z.string().optional(),
    notice: z.string().optional(),
    members: z.array(groupChatMemberSchema),
    adminUserIds: z.array(z.string()),
  }),
);

export const groupChatStatusSchema = z.enum(['normal', 'owner_left', 'inheriting', 'inherited']);

/** A customer as cached: shared by every employee; authorization picks the caller's entry. */
export const customerSchema = z.object({
  externalContact: externalContactSchema,
  followUsers: z.array(followUserSchema),
});
export type Customer = z.infer<typeof customerSchema>;

export const contactListResponseSchema = exactly<ContactListResponse>()(
  z.object({
    contacts: z.array(contactListItemSchema),
    nextCursor: z.string().optional(),
  }),
);

export const contactLookupResponseSchema = exactly<ContactLookupResponse>()(
  z.object({
    contacts: z.array(contactDetailSchema),
    denied: z.array(z.string()),
    notFound: z.array(z.string()),
  }),
);

export const groupChatListResponseSchema = exactly<GroupChatListResponse>()(
  z.object({
    groupChats: z.array(
      exactly<GroupChatSummary>()(
        z.object({
          chatId: z.string(),
          name: z.string(),
          status: groupChatStatusSchema,
          memberCount: z.number(),
        }),
      ),
    ),
    nextCursor: z.string().optional(),
  }),
);

export const groupChatDetailResponseSchema = exactly<GroupChatDetailResponse>()(
  z.object({
    groupChat: groupChatSchema,
  }),
);
