import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type {
  GroupChat,
  GroupChatDetailResponse,
  GroupChatListResponse,
  GroupChatSummary,
} from '../../../miniprogram/typings/api';
import { assertThat } from '../errors/request-error';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';
import type { DetailCache } from '../stores/detail-cache';
import type { WecomApi } from '../wecom/api';
import {
  canReadGroup,
  groupChatSchema,
  groupChatStatusSchema,
  toGroupChatStatus,
} from '../wecom/contacts';
import { DEFAULT_PAGE_LIMIT, pageQuery, wecomId, withCallerCursor } from './paging';

export const groupChatListResponseSchema = z.object({
  groupChats: z.array(
    z.object({
      chatId: z.string(),
      name: z.string(),
      status: groupChatStatusSchema,
      memberCount: z.number(),
    }) satisfies z.ZodType<GroupChatSummary>,
  ),
  nextCursor: z.string().optional(),
}) satisfies z.ZodType<GroupChatListResponse>;

export const groupChatDetailResponseSchema = z.object({
  groupChat: groupChatSchema,
}) satisfies z.ZodType<GroupChatDetailResponse>;

/**
 * Customer groups (客户群). The list holds the groups this employee owns (names and member counts
 * from the shared detail cache); a detail is readable by its owner and employee members only.
 */
export function groupChatRoutes(
  router: Router<AppState>,
  deps: {
    wecom: WecomApi;
    groupChats: DetailCache<GroupChat>;
    requireEmployee: Middleware<AppState>;
  },
): void {
  router.get(
    '/api/group-chats',
    deps.requireEmployee,
    guard({ query: pageQuery, response: groupChatListResponseSchema }, async ({ query }, ctx) => {
      const me = ctx.state.session!.userid;
      const cursor = query.cursor || undefined;
      const page = await withCallerCursor(cursor, () =>
        deps.wecom.listGroupChatsOwnedBy(me, {
          cursor,
          limit: query.limit ?? DEFAULT_PAGE_LIMIT,
        }),
      );
      const listed = [...new Map(page.group_chat_list.map((g) => [g.chat_id, g])).values()];
      const details = await deps.groupChats.getMany(listed.map((g) => g.chat_id));
      // A group dissolved between the list and its detail is left out.
      const groupChats = listed.flatMap((g, index) => {
        const detail = details[index];
        if (!detail) return [];
        return [
          {
            chatId: g.chat_id,
            name: detail.name,
            status: toGroupChatStatus(g.status),
            memberCount: detail.members.length,
          },
        ];
      });
      return { groupChats, nextCursor: page.next_cursor || undefined };
    }),
  );

  router.get(
    '/api/group-chats/:chatId',
    deps.requireEmployee,
    guard(
      { params: z.object({ chatId: wecomId(128) }), response: groupChatDetailResponseSchema },
      async ({ params }, ctx) => {
        const groupChat = await deps.groupChats.get(params.chatId);
        assertThat(groupChat, 'groupchat.not_found');
        assertThat(canReadGroup(groupChat, ctx.state.session!.userid), 'groupchat.not_member');
        return { groupChat };
      },
    ),
  );
}
