import { z } from 'zod';
import type { DemoGroupChat } from '../seed-types';
import { page, parseBody } from './cursor';
import { assertContactAccess, assertVisibleUser } from './external-contact';
import type { Answer, ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/** externalcontact/groupchat/list and groupchat/get. */

const listBody = z.object({
  status_filter: z.number().int().min(0).max(3).optional(),
  owner_filter: z.object({ userid_list: z.array(z.string().min(1).max(64)).max(100) }).optional(),
  cursor: z.string().max(256).optional(),
  limit: z.number().int().min(1).max(1000),
});

const getBody = z.object({
  chat_id: z.string().min(1).max(128),
  need_name: z.union([z.literal(0), z.literal(1)]).optional(),
});

function groupChat(
  g: DemoGroupChat,
  needName: boolean,
  nameOf: (id: string) => string | undefined,
): Answer {
  return {
    chat_id: g.chat_id,
    name: g.name,
    owner: g.owner,
    create_time: g.create_time,
    notice: g.notice,
    member_list: g.members.map((m) => ({
      userid: m.userid,
      type: m.type,
      join_time: m.join_time,
      join_scene: m.join_scene,
      ...(m.invitor ? { invitor: { userid: m.invitor } } : {}),
      group_nickname: m.group_nickname,
      ...(needName ? { name: nameOf(m.userid) ?? '' } : {}),
    })),
    admin_list: g.admins.map((userid) => ({ userid })),
    member_version: g.member_version,
  };
}

export function groupChatRoutes(deps: ApiDeps): ApiRoute[] {
  const { corp } = deps;
  const groups = corp.seed.groupChats;
  return [
    {
      api: 'externalcontact/groupchat/list',
      method: 'POST',
      auth: true,
      empty: { group_chat_list: [] },
      handle({ body, app }) {
        assertContactAccess(deps, app);
        const input = parseBody(listBody, body);
        const owners = input.owner_filter?.userid_list;
        // An owner named in the filter must be a member the app sees (60011 outside its range).
        for (const owner of new Set(owners)) assertVisibleUser(deps, app, owner);
        if (!owners?.length && app.visibleMemberCount > deps.bigCorpThreshold)
          throw new WecomError(81017);
        const ownerSet = owners?.length ? new Set(owners) : undefined;
        const status = input.status_filter ?? 0;
        const matching = groups.filter(
          (g) =>
            app.visibleUsers.has(g.owner) &&
            (ownerSet === undefined || ownerSet.has(g.owner)) &&
            (status === 0 || g.status === status),
        );
        const { slice, nextCursor } = page(matching, input.cursor, input.limit);
        return {
          group_chat_list: slice.map((g) => ({ chat_id: g.chat_id, status: g.status })),
          next_cursor: nextCursor,
        };
      },
    },
    {
      api: 'externalcontact/groupchat/get',
      method: 'POST',
      auth: true,
      empty: { group_chat: {} },
      handle({ body, app }) {
        assertContactAccess(deps, app);
        const input = parseBody(getBody, body);
        const group = corp.groups.get(input.chat_id);
        if (!group) throw new WecomError(40050);
        if (!app.visibleUsers.has(group.owner)) throw new WecomError(60011);
        return { group_chat: groupChat(group, input.need_name === 1, corp.nameOf) };
      },
    },
  ];
}
