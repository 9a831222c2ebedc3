import {
  addGeneratedFollowers,
  customerId,
  DEMO_FACTS,
  demoCorp,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: externalcontact/get', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await tokenFor(sim);
  });
  const get = (id?: string, cursor?: string) =>
    callWecom(sim, 'externalcontact/get', {
      access_token: token,
      ...(id === undefined ? {} : { external_userid: id }),
      ...(cursor === undefined ? {} : { cursor }),
    });

  it('answers a WeChat customer with follow_user tags, remark and add_way', async () => {
    const answer = await get(customerId(1));
    expect(answer).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      next_cursor: '',
      external_contact: { external_userid: customerId(1), name: '陈晓明', type: 1, gender: 1 },
    });
    expect(answer.external_contact.corp_name).toBeUndefined();
    expect(answer.follow_user).toEqual([
      expect.objectContaining({
        userid: 'zhangsan',
        remark: '陈晓明（展会认识）',
        createtime: expect.any(Number),
        add_way: expect.any(Number),
        oper_userid: 'zhangsan',
        tags: [
          { group_name: '客户等级', tag_name: '普通客户', tag_id: 'etYsLevelNormal', type: 1 },
          { group_name: '来源', tag_name: '转介绍', tag_id: 'etYsSourceReferral', type: 1 },
        ],
      }),
    ]);
  });

  it('answers a WeCom customer with corp_name and corp_full_name', async () => {
    const answer = await get(customerId(2));
    expect(answer.external_contact).toMatchObject({
      type: 2,
      name: '林美玲',
      corp_name: '云杉科技',
      corp_full_name: '上海云杉科技有限公司',
    });
  });

  it('lists every follower in the visible range, and only those', async () => {
    const shared = await get(DEMO_FACTS.sharedByZhangsanAndLisi[0]);
    expect(shared.follow_user.map((f: { userid: string }) => f.userid)).toEqual([
      'zhangsan',
      'lisi',
    ]);
    const confidential = await get(DEMO_FACTS.sharedWithConfidential);
    expect(confidential.follow_user.map((f: { userid: string }) => f.userid)).toEqual(['zhangsan']);
  });

  it.each([
    ['an unknown id', DEMO_FACTS.unknownCustomer, 40096],
    [
      'a customer followed only outside the visible range',
      DEMO_FACTS.onlyConfidentialFollower,
      40096,
    ],
    ['a customer nobody follows any more', DEMO_FACTS.noFollowers, 84061],
    ['no id', undefined, 41035],
  ])('answers %s with %s and empty data fields', async (_label, id, errcode) => {
    const answer = await get(id);
    expect(answer).toMatchObject({ errcode, external_contact: {}, follow_user: [] });
    expect(answer.errmsg).toContain(`e=${errcode}`);
  });

  it('answers 40058 for a malformed cursor', async () => {
    expect((await get(customerId(1), '!!not-a-cursor')).errcode).toBe(40058);
  });
});

describe('simulator: externalcontact/batch/get_by_user and list', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await tokenFor(sim);
  });
  const batch = (body: unknown) =>
    callWecom(sim, 'externalcontact/batch/get_by_user', { access_token: token }, body);

  it("pages zhangsan's 28 customers with limit 10 in three pages", async () => {
    const ids: string[] = [];
    let cursor = '';
    const sizes: number[] = [];
    do {
      const answer = await batch({ userid_list: ['zhangsan'], cursor, limit: 10 });
      expect(answer.errcode).toBe(0);
      sizes.push(answer.external_contact_list.length);
      for (const entry of answer.external_contact_list) {
        expect(entry.follow_info.userid).toBe('zhangsan');
        expect(Array.isArray(entry.follow_info.tag_id)).toBe(true);
        ids.push(entry.external_contact.external_userid);
      }
      cursor = answer.next_cursor;
    } while (cursor !== '');
    expect(sizes).toEqual([10, 10, 8]);
    expect(new Set(ids).size).toBe(28);
    expect(ids).toContain(customerId(28));
  });

  it('answers one entry per (customer, follower) and clamps limit to 100', async () => {
    const answer = await batch({ userid_list: ['zhangsan', 'lisi'], limit: 500 });
    expect(answer.errcode).toBe(0);
    expect(answer.external_contact_list).toHaveLength(35);
    expect(answer.next_cursor).toBe('');
    const lisi = answer.external_contact_list.filter(
      (e: { follow_info: { userid: string } }) => e.follow_info.userid === 'lisi',
    );
    expect(lisi).toHaveLength(7);
  });

  it('answers 60011 for a userid outside the visible range, 60111 for an unknown one', async () => {
    expect(await batch({ userid_list: ['zhangsan', 'liuzong'] })).toMatchObject({
      errcode: 60011,
      external_contact_list: [],
    });
    expect((await batch({ userid_list: ['ghost'] })).errcode).toBe(60111);
  });

  it('answers 40058 for more than 100 userids and for a malformed body', async () => {
    const many = Array.from({ length: 101 }, () => 'zhangsan');
    expect((await batch({ userid_list: many })).errcode).toBe(40058);
    expect((await batch({ userid_list: [] })).errcode).toBe(40058);
    expect((await batch({ userid_list: 'zhangsan' })).errcode).toBe(40058);
  });

  it('answers 47001 for a body that is not JSON', async () => {
    const response = await fetch(
      `${sim.url}/cgi-bin/externalcontact/batch/get_by_user?access_token=${token}`,
      { method: 'POST', body: '{not json' },
    );
    expect(((await response.json()) as { errcode: number }).errcode).toBe(47001);
  });

  it('externalcontact/list gives the ids a member follows', async () => {
    const answer = await callWecom(sim, 'externalcontact/list', {
      access_token: token,
      userid: 'lisi',
    });
    expect(answer.external_userid).toEqual([3, 7, 12, 20, 29, 30, 31].map(customerId));
  });
});

describe('simulator: customers with more than 500 followers', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    const seed = demoCorp();
    addGeneratedFollowers(seed, customerId(1), 600);
    sim = await startTestSimulator({ seed });
    token = await tokenFor(sim);
  });

  it('pages follow_user at 500 per call via cursor', async () => {
    const first = await callWecom(sim, 'externalcontact/get', {
      access_token: token,
      external_userid: customerId(1),
    });
    expect(first.follow_user).toHaveLength(500);
    expect(first.next_cursor).not.toBe('');
    const second = await callWecom(sim, 'externalcontact/get', {
      access_token: token,
      external_userid: customerId(1),
      cursor: first.next_cursor,
    });
    expect(second.follow_user).toHaveLength(101);
    expect(second.next_cursor).toBe('');
    expect(second.follow_user.at(-1).userid).toBe('gen0600');
  });

  it('batch/get_by_user defaults to 50 per page', async () => {
    const userids = Array.from({ length: 60 }, (_, i) => `gen${String(i + 1).padStart(4, '0')}`);
    const first = await callWecom(
      sim,
      'externalcontact/batch/get_by_user',
      { access_token: token },
      { userid_list: userids },
    );
    expect(first.external_contact_list).toHaveLength(50);
    const second = await callWecom(
      sim,
      'externalcontact/batch/get_by_user',
      { access_token: token },
      { userid_list: userids, cursor: first.next_cursor },
    );
    expect(second.external_contact_list).toHaveLength(10);
    expect(second.next_cursor).toBe('');
  });
});

describe('simulator: externalcontact/get_follow_user_list', () => {
  it('lists the followers inside the visible range and refuses apps outside the callable list', async () => {
    const sim = await startTestSimulator();
    const answer = await callWecom(sim, 'externalcontact/get_follow_user_list', {
      access_token: await tokenFor(sim),
    });
    expect(answer.errcode).toBe(0);
    expect(answer.follow_user).toEqual(expect.arrayContaining(['zhangsan', 'lisi', 'wujiu']));
    expect(answer.follow_user).not.toContain('liuzong');
    const other = await callWecom(sim, 'externalcontact/get_follow_user_list', {
      access_token: await tokenFor(sim, sim.seed.otherApp.secret),
    });
    expect(other).toMatchObject({ errcode: 48002, follow_user: [] });
  });
});
