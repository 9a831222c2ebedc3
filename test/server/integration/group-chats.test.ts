import type {
  GroupChatDetailResponse,
  GroupChatListResponse,
} from '../../../miniprogram/typings/api';
import { DEMO_FACTS, groupChatId, type Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

// Customer groups (客户群) behind the login gate, over real HTTP with the simulator and
// a real Redis: the list holds the groups an employee owns, a detail needs owner or membership.

const LIST = 'externalcontact/groupchat/list';
const DETAIL = 'externalcontact/groupchat/get';

let simulator: Simulator;
let gateway: TestGateway;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({ simulator });
  for (const userid of ['zhangsan', 'lisi', 'wujiu', 'chenjing']) {
    tokens[userid] = await gateway.login(userid);
  }
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  simulator.clearFaults();
  simulator.resetCalls();
});

const forget = (...ids: string[]) =>
  Promise.all(ids.map((id) => gateway.deps.contacts.groupChats.forget(id)));
const allGroups = [1, 2, 3, 4, 5, 6].map(groupChatId);

const list = (userid: string, query = '') =>
  gateway.request<GroupChatListResponse>('GET', `/api/group-chats${query}`, {
    token: tokens[userid],
  });
const detail = (userid: string, chatId: string) =>
  gateway.request<GroupChatDetailResponse>(
    'GET',
    `/api/group-chats/${encodeURIComponent(chatId)}`,
    { token: tokens[userid] },
  );

describe('GET /api/group-chats', () => {
  it('should list the groups the employee owns with names and member counts', async () => {
    await forget(...allGroups);
    const answer = await list('zhangsan');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      groupChats: [
        { chatId: groupChatId(1), name: '华东客户交流群', status: 'normal', memberCount: 6 },
        { chatId: groupChatId(2), name: '云杉科技项目对接群', status: 'normal', memberCount: 4 },
      ],
    });
    // One list page plus one groupchat/get per uncached group.
    expect(simulator.calls(LIST)).toBe(1);
    expect(simulator.calls(DETAIL)).toBe(2);

    simulator.resetCalls();
    expect((await list('zhangsan')).body).toEqual(answer.body);
    expect(simulator.calls(LIST)).toBe(1);
    expect(simulator.calls(DETAIL)).toBe(0);
  });

  it('should page with the cursor', async () => {
    const first = await list('zhangsan', '?limit=1');
    expect(first.body.groupChats.map((g) => g.chatId)).toEqual([groupChatId(1)]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(
      'zhangsan',
      `?limit=1&cursor=${encodeURIComponent(first.body.nextCursor!)}`,
    );
    expect(second.body.groupChats.map((g) => g.chatId)).toEqual([groupChatId(2)]);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('should answer an empty list to an employee who owns no group', async () => {
    const answer = await list('lisi');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ groupChats: [] });
    expect((await list('wujiu')).body.groupChats.map((g) => g.chatId)).toEqual([groupChatId(4)]);
  });

  it('should map a refused list and a foreign cursor', async () => {
    simulator.injectFault({ api: LIST, kind: 'errcode', errcode: 81017, times: 1 });
    const refused = await list('zhangsan');
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ code: 'wecom.rejected', data: { errcode: 81017 } });
    const cursor = await list('zhangsan', '?cursor=garbage');
    expect(cursor.status).toBe(400);
    expect(errorBody(cursor.body).code).toBe('guard.invalid_input');
    const limit = await list('zhangsan', '?limit=500');
    expect(limit.status).toBe(400);
  });
});

describe('GET /api/group-chats/:chatId', () => {
  it('should answer the owner with members, names and admins', async () => {
    const answer = await detail('zhangsan', groupChatId(1));
    expect(answer.status).toBe(200);
    const group = answer.body.groupChat;
    expect(group).toMatchObject({
      chatId: groupChatId(1),
      name: '华东客户交流群',
      owner: 'zhangsan',
      notice: '欢迎各位，工作日 9:00-18:00 在线',
      adminUserIds: ['lisi'],
    });
    expect(group.members[0]).toMatchObject({ userid: 'zhangsan', type: 'employee', name: '张三' });
    expect(group.members.filter((m) => m.type === 'customer')).toHaveLength(4);
    expect(group.members.find((m) => m.userid === 'wmYsDemoCust01')?.name).toBe('陈晓明');
    expect(group.members.every((m) => !Number.isNaN(Date.parse(m.joinedAt!)))).toBe(true);
    expect(group.members.map((m) => m.joinScene)).not.toContain(undefined);
  });

  it('should answer an employee member who is not the owner', async () => {
    const answer = await detail('zhangsan', groupChatId(3));
    expect(answer.status).toBe(200);
    expect(answer.body.groupChat.owner).toBe('sunqi');
  });

  it('should refuse a group the employee is not in with groupchat.not_member', async () => {
    for (const chatId of [groupChatId(2), groupChatId(3), groupChatId(6)]) {
      const answer = await detail('lisi', chatId);
      expect(answer.status).toBe(403);
      expect(errorBody(answer.body).code).toBe('groupchat.not_member');
      expect(answer.text).not.toContain('members');
    }
  });

  it('should serve a second read from the cache, for every employee', async () => {
    await forget(groupChatId(6));
    expect((await detail('chenjing', groupChatId(6))).status).toBe(200);
    expect(simulator.calls(DETAIL)).toBe(1);
    simulator.resetCalls();
    expect((await detail('zhangsan', groupChatId(6))).status).toBe(200);
    expect((await detail('lisi', groupChatId(6))).status).toBe(403);
    expect(simulator.calls()).toBe(0);
  });

  it('should answer an unknown group with groupchat.not_found', async () => {
    const answer = await detail('zhangsan', DEMO_FACTS.unknownGroup);
    expect(answer.status).toBe(404);
    expect(errorBody(answer.body).code).toBe('groupchat.not_found');
  });

  it('should answer a group whose owner is outside the visible range like an unknown one', async () => {
    await forget(DEMO_FACTS.confidentialGroup, DEMO_FACTS.unknownGroup);
    const answer = await detail('zhangsan', DEMO_FACTS.confidentialGroup);
    const unknown = await detail('zhangsan', DEMO_FACTS.unknownGroup);
    expect(answer.status).toBe(404);
    expect(errorBody(answer.body).code).toBe('groupchat.not_found');
    expect(errorBody(answer.body).message).toBe(errorBody(unknown.body).message);
    expect(answer.text).not.toContain('60011');
    const metrics = await gateway.request('GET', '/metrics');
    expect(metrics.text).toMatch(
      /wecom_resource_refusals_total\{resource="groupchat",errcode="60011"\} [1-9]/,
    );
  });

  it.each([
    [86001, 404, 'groupchat.not_found'],
    [90501, 404, 'groupchat.not_found'],
    [48002, 502, 'wecom.rejected'],
    [84074, 502, 'wecom.rejected'],
    [60020, 502, 'wecom.rejected'],
    [45033, 503, 'wecom.unavailable'],
  ])('should map errcode %i to %i %s', async (errcode, status, code) => {
    await forget(groupChatId(2));
    simulator.injectFault({ api: DETAIL, kind: 'errcode', errcode });
    const answer = await detail('zhangsan', groupChatId(2));
    expect(answer.status).toBe(status);
    expect(errorBody(answer.body).code).toBe(code);
    if (status === 502) expect(answer.body).toMatchObject({ data: { errcode } });
  });

  it('should refuse malformed chat ids without calling WeCom', async () => {
    for (const chatId of ['has space', 'x'.repeat(129), 'a/b']) {
      const answer = await detail('zhangsan', chatId);
      expect(answer.status).toBe(400);
      expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    }
    expect(simulator.calls()).toBe(0);
  });
});
