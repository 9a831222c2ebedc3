import type Router from '@koa/router';
import { z } from 'zod';
import type { GroupChats } from '../contacts';
import { groupChatDetailResponseSchema, groupChatListResponseSchema } from '../contacts/schemas';
import { guard } from '../middleware/guard';
import type { EmployeeState } from '../middleware/state';
import { pageOf, pageQuerySchema, wecomIdSchema } from './paging';

type Ctx = { state: EmployeeState };

/** Customer groups (客户群) the employee owns or belongs to (lookup routes). */
export function groupChatRoutes(
  router: Router<EmployeeState>,
  deps: { groupChats: GroupChats },
): void {
  const { groupChats } = deps;
  router.get(
    '/api/group-chats',
    guard(
      { query: pageQuerySchema, response: groupChatListResponseSchema },
      ({ query }, ctx: Ctx) => groupChats.listOwned(ctx.state.session.userid, pageOf(query)),
    ),
  );
  router.get(
    '/api/group-chats/:chatId',
    guard(
      { params: z.object({ chatId: wecomIdSchema(128) }), response: groupChatDetailResponseSchema },
      async ({ params }, ctx: Ctx) => ({
        groupChat: await groupChats.getReadable(ctx.state.session.userid, params.chatId),
      }),
    ),
  );
}
