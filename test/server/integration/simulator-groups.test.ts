import { DEMO_FACTS, groupChatId, type Simulator } from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: externalcontact/groupchat', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await tokenFor(sim);
  });
  const list = (body: unknown) =>
    callWecom(sim, 'externalcontact/groupchat/list', { access_token: token }, body);
  const get = (body: unknown) =>
    callWecom(sim, 'externalcontact/groupchat/get', { access_token: token }, body);

  it('lists groups whose owner is in the visible range', async () => {
    const answer = await list({ limit: 1000 });
    expect(answer).toMatchObject({ errcode: 0, next_cursor: '' });
    expect(answer.group_chat_list).toEqual(
      [1, 2, 3, 4, 6].map((n) => ({ chat_id: groupChatId(n), status: 0 })),
    );
  });

  it('pages with cursor and limit', async () => {
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const answer = await list({ limit: 2, cursor });
      seen.push(...answer.group_chat_list.map((g: { chat_id: string }) => g.chat_id));
      cursor = answer.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
  });

  it('filters by owner and by status', async () => {
    const zhangsan = await list({ limit: 100, owner_filter: { userid_list: ['zhangsan'] } });
    expect(zhangsan.group_chat_list.map((g: { chat_id: string }) => g.chat_id)).toEqual([
      groupChatId(1),
      groupChatId(2),
    ]);
    expect((await list({ limit: 100, status_filter: 1 })).group_chat_list).toEqual([]);
  });

  it('answers 60011 for an owner outside the visible range, 60111 for an unknown one', async () => {
    const outside = await list({ limit: 100, owner_filter: { userid_list: ['liuzong'] } });
    expect(outside).toMatchObject({ errcode: 60011, group_chat_list: [] });
    const unknown = await list({ limit: 100, owner_filter: { userid_list: ['nobody'] } });
    expect(unknown.errcode).toBe(60111);
  });

  it('answers 40058 for a limit outside 1..1000 or more than 100 owners', async () => {
    expect((await list({ limit: 0 })).errcode).toBe(40058);
    expect((await list({ limit: 1001 })).errcode).toBe(40058);
    expect((await list({})).errcode).toBe(40058);
    const owners = Array.from({ length: 101 }, () => 'zhangsan');
    expect((await list({ limit: 10, owner_filter: { userid_list: owners } })).errcode).toBe(40058);
  });

  it('gets a group with members, admins and names only with need_name=1', async () => {
    const plain = await get({ chat_id: groupChatId(1) });
    expect(plain.errcode).toBe(0);
    expect(plain.group_chat).toMatchObject({
      chat_id: groupChatId(1),
      name: '华东客户交流群',
      owner: 'zhangsan',
      admin_list: [{ userid: 'lisi' }],
      member_version: expect.any(String),
    });
    const members = plain.group_chat.member_list as Array<Record<string, unknown>>;
    expect(members.filter((m) => m.type === 1).map((m) => m.userid)).toEqual(['zhangsan', 'lisi']);
    expect(members.filter((m) => m.type === 2)).toHaveLength(4);
    expect(members[1]).toMatchObject({ invitor: { userid: 'zhangsan' }, join_scene: 1 });
    expect(members.every((m) => m.name === undefined)).toBe(true);

    const named = await get({ chat_id: groupChatId(1), need_name: 1 });
    const names = named.group_chat.member_list.map((m: { name: string }) => m.name);
    expect(names).toEqual(expect.arrayContaining(['张三', '李四', '陈晓明']));
  });

  it('answers 40050 for an unknown chat and 60011 when the owner is outside the visible range', async () => {
    expect(await get({ chat_id: DEMO_FACTS.unknownGroup })).toMatchObject({
      errcode: 40050,
      group_chat: {},
    });
    expect((await get({ chat_id: DEMO_FACTS.confidentialGroup })).errcode).toBe(60011);
    expect((await get({})).errcode).toBe(40058);
  });
});
