import type {
  ContactDetail,
  ContactListResponse,
  ContactLookupResponse,
} from '../../../miniprogram/typings/api';
import {
  addGeneratedFollowers,
  customerId,
  DEMO_FACTS,
  demoCorp,
  type Simulator,
} from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { capturingLogger } from '../../helpers/stores';

// Customers (外部联系人) behind the login gate, over real HTTP with the simulator and a
// real Redis. Customer 01 has 600 extra followers (gen0001…gen0600) so follow_user pages at 500.

const DETAIL = 'externalcontact/get';
const BY_USER = 'externalcontact/batch/get_by_user';

let simulator: Simulator;
let gateway: TestGateway;
const tokens: Record<string, string> = {};
const logs = capturingLogger('warn');

beforeAll(async () => {
  const seed = demoCorp();
  addGeneratedFollowers(seed, customerId(1), 600);
  // WeCom answers 45033 above this many concurrent calls to one API: lookups must stay below it.
  simulator = await startTestSimulator({ seed, maxConcurrencyPerApi: 5 });
  gateway = await startTestGateway({ simulator, logger: logs.logger });
  for (const userid of ['zhangsan', 'lisi', 'wujiu', 'gen0600']) {
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

/** Drops cached details so the next read goes to WeCom. */
const forget = (...ids: string[]) =>
  Promise.all(ids.map((id) => gateway.deps.contacts.customers.forget(id)));

const detail = (userid: string, id: string) =>
  gateway.request<ContactDetail>('GET', `/api/external-contacts/${encodeURIComponent(id)}`, {
    token: tokens[userid],
  });
const list = (userid: string, query = '') =>
  gateway.request<ContactListResponse>('GET', `/api/external-contacts${query}`, {
    token: tokens[userid],
  });
const lookup = (userid: string, body: unknown) =>
  gateway.request<ContactLookupResponse>('POST', '/api/external-contacts/lookup', {
    token: tokens[userid],
    body,
  });

describe('GET /api/external-contacts/:externalUserId', () => {
  it("should answer A's own customer with A's follow entry", async () => {
    const answer = await detail('zhangsan', customerId(2));
    expect(answer.status).toBe(200);
    expect(answer.body.externalContact).toEqual({
      externalUserId: customerId(2),
      name: '林美玲',
      type: 'wecom',
      avatar: expect.stringMatching(/^https?:\/\//),
      gender: expect.stringMatching(/^(unknown|male|female)$/),
      position: expect.any(String),
      corpName: '云杉科技',
      corpFullName: '上海云杉科技有限公司',
    });
    expect(answer.body.followUser.userid).toBe('zhangsan');
    expect(answer.body.followUser.tags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tagId: 'etYsLevelNormal', tagName: '普通客户', type: 'corp' }),
        expect.objectContaining({ tagId: 'etYsSourceExpo', type: 'corp' }),
      ]),
    );
    expect(Number.isNaN(Date.parse(answer.body.followUser.addedAt!))).toBe(false);
    expect(answer.text).not.toMatch(/remark_mobiles|remarkMobiles|unionid|oper_userid/);
  });

  it('should answer a WeChat customer without WeCom-only fields', async () => {
    const answer = await detail('zhangsan', customerId(5));
    expect(answer.status).toBe(200);
    expect(answer.body.externalContact).toMatchObject({ name: '郭伟', type: 'wechat' });
    expect(answer.body.externalContact).not.toHaveProperty('corpName');
    expect(answer.body.followUser.tags).toEqual(
      expect.arrayContaining([{ tagName: '老朋友', type: 'personal' }]),
    );
  });

  it("should refuse B's customer with contact.not_followed", async () => {
    const answer = await detail('zhangsan', customerId(29));
    expect(answer.status).toBe(403);
    expect(errorBody(answer.body).code).toBe('contact.not_followed');
    expect(answer.text).not.toContain('李四');
  });

  it('should give each follower of a shared customer their own entry', async () => {
    const [a, b] = await Promise.all(
      DEMO_FACTS.sharedByZhangsanAndLisi
        .slice(0, 1)
        .flatMap((id) => [detail('zhangsan', id), detail('lisi', id)]),
    );
    expect(a!.body.followUser.userid).toBe('zhangsan');
    expect(b!.body.followUser.userid).toBe('lisi');
  });

  it('should follow next_cursor to find a follower beyond the first 500', async () => {
    await forget(customerId(1));
    const answer = await detail('gen0600', customerId(1));
    expect(answer.status).toBe(200);
    expect(answer.body.followUser.userid).toBe('gen0600');
    expect(simulator.calls(DETAIL)).toBe(2);
    const own = await detail('zhangsan', customerId(1));
    expect(own.body.followUser.userid).toBe('zhangsan');
    expect(simulator.calls(DETAIL)).toBe(2);
  });

  it('should map unknown and unfollowed customers to contact.not_found', async () => {
    for (const id of [
      DEMO_FACTS.unknownCustomer,
      DEMO_FACTS.noFollowers,
      DEMO_FACTS.onlyConfidentialFollower,
    ]) {
      const answer = await detail('zhangsan', id);
      expect(answer.status).toBe(404);
      expect(errorBody(answer.body).code).toBe('contact.not_found');
    }
  });

  it('should serve a second read from the cache without calling WeCom, for every employee', async () => {
    const id = DEMO_FACTS.sharedByZhangsanAndLisi[1]!;
    await forget(id);
    expect((await detail('zhangsan', id)).status).toBe(200);
    expect(simulator.calls(DETAIL)).toBe(1);
    simulator.resetCalls();
    expect((await detail('zhangsan', id)).status).toBe(200);
    const other = await detail('lisi', id);
    expect(other.body.followUser.userid).toBe('lisi');
    expect((await detail('wujiu', id)).status).toBe(403);
    expect(simulator.calls()).toBe(0);
  });

  it.each([
    [84061, 404, 'contact.not_found'],
    [40096, 404, 'contact.not_found'],
    [60011, 404, 'contact.not_found'],
    [48002, 502, 'wecom.rejected'],
    [84074, 502, 'wecom.rejected'],
    [60020, 502, 'wecom.rejected'],
    [45033, 503, 'wecom.unavailable'],
  ])('should map errcode %i to %i %s', async (errcode, status, code) => {
    const id = customerId(6);
    await forget(id);
    simulator.injectFault({ api: DETAIL, kind: 'errcode', errcode });
    const answer = await detail('zhangsan', id);
    expect(answer.status).toBe(status);
    expect(errorBody(answer.body).code).toBe(code);
    if (code === 'wecom.rejected') {
      // An employee (authenticated) gets the fix to pass on to an admin.
      expect(answer.body).toMatchObject({ data: { errcode, fix: { zh: expect.any(String) } } });
      expect(answer.text).not.toContain('127.0.0.1');
    }
  });

  it('should refuse malformed ids and missing tokens', async () => {
    const bad = await detail('zhangsan', 'bad id!');
    expect(bad.status).toBe(400);
    expect(errorBody(bad.body).code).toBe('guard.invalid_input');
    const long = await detail('zhangsan', 'w'.repeat(65));
    expect(long.status).toBe(400);
    const anonymous = await gateway.request('GET', `/api/external-contacts/${customerId(2)}`);
    expect(anonymous.status).toBe(401);
    expect(simulator.calls()).toBe(0);
  });
});

describe('GET /api/external-contacts', () => {
  it('should page through all of A’s customers and nobody else’s', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const query = `?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const answer = await list('zhangsan', query);
      expect(answer.status).toBe(200);
      sizes.push(answer.body.contacts.length);
      for (const item of answer.body.contacts) {
        expect(item.followUser.userid).toBe('zhangsan');
        expect(Array.isArray(item.followUser.tagIds)).toBe(true);
        seen.push(item.externalContact.externalUserId);
      }
      cursor = answer.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 8]);
    expect(seen).toEqual(Array.from({ length: 28 }, (_, i) => customerId(i + 1)));
    expect(simulator.calls(BY_USER)).toBe(3);
  });

  it('should use 20 per page by default and carry tag ids', async () => {
    const answer = await list('lisi');
    expect(answer.status).toBe(200);
    expect(answer.body.nextCursor).toBeUndefined();
    expect(answer.body.contacts.map((c) => c.externalContact.externalUserId)).toEqual(
      [3, 7, 12, 20, 29, 30, 31].map(customerId),
    );
    expect(answer.body.contacts[0]!.followUser.tagIds).toEqual(
      expect.arrayContaining(['etYsLevelVip', 'etYsSourceReferral']),
    );
    const first = await list('zhangsan');
    expect(first.body.contacts).toHaveLength(20);
    expect(first.body.nextCursor).toEqual(expect.any(String));
  });

  it.each(['?limit=0', '?limit=101', '?limit=abc', '?limit=1&limit=2', '?cursor=a%20b'])(
    'should refuse the query %s',
    async (query) => {
      const answer = await list('zhangsan', query);
      expect(answer.status).toBe(400);
      expect(errorBody(answer.body).code).toBe('guard.invalid_input');
      expect(simulator.calls()).toBe(0);
    },
  );

  it('should answer a cursor WeCom does not accept as guard.invalid_input', async () => {
    const answer = await list('zhangsan', '?cursor=not-a-cursor');
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).message).toMatch(/cursor/);
  });
});

describe('POST /api/external-contacts/lookup', () => {
  it('should sort a mix of own, foreign and unknown ids, calling WeCom once per distinct id', async () => {
    const ids = [
      customerId(8),
      customerId(8),
      customerId(9),
      customerId(29),
      DEMO_FACTS.noFollowers,
      DEMO_FACTS.unknownCustomer,
      customerId(9),
    ];
    await forget(...ids);
    const answer = await lookup('zhangsan', { externalUserIds: ids });
    expect(answer.status).toBe(200);
    expect(answer.body.contacts.map((c) => c.externalContact.externalUserId)).toEqual([
      customerId(8),
      customerId(9),
    ]);
    expect(answer.body.contacts.every((c) => c.followUser.userid === 'zhangsan')).toBe(true);
    expect(answer.body.denied).toEqual([customerId(29)]);
    expect(answer.body.notFound).toEqual([DEMO_FACTS.noFollowers, DEMO_FACTS.unknownCustomer]);
    expect(simulator.calls(DETAIL)).toBe(5);

    simulator.resetCalls();
    const again = await lookup('lisi', { externalUserIds: ids });
    expect(again.body.denied).toEqual([customerId(8), customerId(9)]);
    expect(again.body.contacts.map((c) => c.followUser.userid)).toEqual(['lisi']);
    expect(again.body.notFound).toEqual([DEMO_FACTS.noFollowers, DEMO_FACTS.unknownCustomer]);
    // Found customers and unknown ids alike come from the cache.
    expect(simulator.calls(DETAIL)).toBe(0);
  });

  it('should ask WeCom about an unknown id once, however often it is looked up', async () => {
    const unknown = Array.from({ length: 100 }, (_, i) => `wmYsNoSuchCustomer${i}`);
    await forget(...unknown);
    simulator.resetCalls();
    for (let round = 0; round < 10; round++) {
      const answer = await lookup('zhangsan', { externalUserIds: unknown });
      expect(answer.body.notFound).toHaveLength(100);
    }
    expect(simulator.calls(DETAIL)).toBe(100);
    // An unknown id is a normal answer: logged at debug, not as a warning.
    expect(logs.lines.join('')).not.toMatch(/wmYsNoSuchCustomer/);
  });

  it('should answer a customer WeCom refuses to show exactly like an unknown one, count it and tell admins', async () => {
    const hidden = customerId(7);
    await forget(hidden, DEMO_FACTS.unknownCustomer);
    simulator.injectFault({ api: DETAIL, kind: 'errcode', errcode: 60011, times: 1 });
    const refused = await detail('zhangsan', hidden);
    const unknown = await detail('zhangsan', DEMO_FACTS.unknownCustomer);
    expect(refused.status).toBe(404);
    expect(errorBody(refused.body).message).toBe(errorBody(unknown.body).message);
    expect(Object.keys(errorBody(refused.body)).sort()).toEqual(
      Object.keys(errorBody(unknown.body)).sort(),
    );
    expect(refused.text).not.toContain('60011');
    const metrics = await gateway.request('GET', '/metrics');
    expect(metrics.text).toMatch(
      /wecom_resource_refusals_total\{resource="customer",errcode="60011"\} [1-9]/,
    );
    expect(logs.lines.join('')).toMatch(
      /"errcode":60011[^\n]*refused to show one customer or group/,
    );
  });

  it('should stay below WeCom’s concurrency limit for 28 uncached ids', async () => {
    const ids = Array.from({ length: 28 }, (_, i) => customerId(i + 1));
    await forget(...ids);
    simulator.injectFault({ api: DETAIL, kind: 'latency', ms: 20 });
    const answer = await lookup('zhangsan', { externalUserIds: ids });
    expect(answer.status).toBe(200);
    expect(answer.body.contacts).toHaveLength(28);
    // 27 customers with one follow_user page, customer 01 with two.
    expect(simulator.calls(DETAIL)).toBe(29);
  });

  it('should keep the bound across concurrent lookups of different employees', async () => {
    const mine = Array.from({ length: 12 }, (_, i) => customerId(i + 13));
    const theirs = [29, 30, 31, 3, 7, 12, 20].map(customerId);
    await forget(...mine, ...theirs);
    simulator.injectFault({ api: DETAIL, kind: 'latency', ms: 20 });
    const [a, b] = await Promise.all([
      lookup('zhangsan', { externalUserIds: mine }),
      lookup('lisi', { externalUserIds: theirs }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.contacts).toHaveLength(12);
    expect(b.body.contacts).toHaveLength(7);
  });

  it('should fail the whole lookup when WeCom refuses for another reason', async () => {
    const ids = [customerId(10), customerId(11)];
    await forget(...ids);
    simulator.injectFault({ api: DETAIL, kind: 'errcode', errcode: 48002 });
    const answer = await lookup('zhangsan', { externalUserIds: ids });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'wecom.rejected', data: { errcode: 48002 } });
  });

  it.each([
    {},
    { externalUserIds: [] },
    { externalUserIds: Array.from({ length: 101 }, (_, i) => `wm${i}`) },
    { externalUserIds: ['ok', 'not ok'] },
    { externalUserIds: 'wmYsDemoCust01' },
  ])('should refuse the body %j', async (body) => {
    const answer = await lookup('zhangsan', body);
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    expect(simulator.calls()).toBe(0);
  });
});

describe('the cache switch', () => {
  it('should call WeCom on every read with CACHE_TTL_SECONDS=0', async () => {
    const uncached = await startTestGateway({ simulator, env: { CACHE_TTL_SECONDS: '0' } });
    try {
      const token = await uncached.login('zhangsan');
      simulator.resetCalls();
      for (let i = 0; i < 2; i++) {
        const answer = await uncached.request('GET', `/api/external-contacts/${customerId(4)}`, {
          token,
        });
        expect(answer.status).toBe(200);
      }
      expect(simulator.calls(DETAIL)).toBe(2);
    } finally {
      await uncached.close();
    }
  });
});
