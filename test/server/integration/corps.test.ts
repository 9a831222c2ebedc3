import { Redis } from 'ioredis';
import type {
  ContactDetailResponse,
  ContactListResponse,
  LoginResponse,
  MeResponse,
} from '../../../miniprogram/typings/api';
import type { Simulator } from '../../../server/src/sandbox';
import {
  GROUP_CORP_ID,
  groupCorp,
  groupCustomerId,
  SHARED_USERID,
} from '../../../server/src/sandbox/group-corp';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { testRedisUrl, uniquePrefix } from '../../helpers/stores';

// One deployment serving two corps of one simulated WeCom: the demo corp A (the home
// corp, at the root) and its sister corp B (under /corps/B), both with an employee `zhangsan` who
// is a different person in each. Real HTTP, a real corps file, a real Redis.

let simulator: Simulator;
let gateway: TestGateway;
const prefix = uniquePrefix();
const B = GROUP_CORP_ID;
const atB = `/corps/${B}`;
let A: string;
const ADMIN_TOKEN = 'corps-admin-token-0123456789';

beforeAll(async () => {
  simulator = await startTestSimulator({ moreCorps: [groupCorp()] });
  A = simulator.corpId;
  gateway = await startTestGateway({
    simulator,
    prefix,
    corps: [simulator, simulator.corp(B)],
    corpAdmins: { [B]: ['zhoujie'] },
    env: { ADMIN_TOKEN },
  });
  // Each corp's admin saves its own callback URL, with its own keys, in its own WeCom admin.
  for (const [corp, at, keys] of [
    [simulator, '', gateway.config.corps!.list[0]!.callbacks],
    [simulator.corp(B), atB, gateway.config.corps!.list[1]!.callbacks],
  ] as const) {
    for (const receiver of ['app', 'directory'] as const) {
      const result = await corp.registerCallback(receiver, {
        url: `${gateway.base}${at}/wecom/callback/${receiver}`,
        ...keys[receiver]!,
      });
      expect(result).toMatchObject({ verified: true });
    }
  }
});
afterAll(async () => {
  await gateway.close();
});

const loginAt = (at: string, code: string) =>
  gateway.request<LoginResponse>('POST', `${at}/api/sessions`, { body: { code } });

describe('a deployment of two corps', () => {
  it('sends an employee of the other corp to log in there, with a new code', async () => {
    const wrong = await loginAt('', simulator.corp(B).issueLoginCode(SHARED_USERID));
    expect(wrong.status).toBe(409);
    expect(errorBody(wrong.body)).toMatchObject({ code: 'auth.corp_switch', data: { corpId: B } });
    const right = await loginAt(atB, simulator.corp(B).issueLoginCode(SHARED_USERID));
    expect(right.status).toBe(201);
    expect(right.body.user).toEqual({ userid: SHARED_USERID, corpid: B });
    // And back: an employee of A who logs in at B is sent home.
    const home = await loginAt(atB, simulator.issueLoginCode('lisi'));
    expect(errorBody(home.body)).toMatchObject({ code: 'auth.corp_switch', data: { corpId: A } });
  });

  it('keeps one userid of two corps two people, each with their own session', async () => {
    const tokenA = await gateway.login(SHARED_USERID);
    const tokenB = await gateway.login(SHARED_USERID, B);
    const meA = await gateway.request<MeResponse>('GET', '/api/me', { token: tokenA });
    const meB = await gateway.request<MeResponse>('GET', `${atB}/api/me`, { token: tokenB });
    expect(meA.body.user).toMatchObject({ userid: SHARED_USERID, corpid: A, name: '张三' });
    expect(meB.body.user).toMatchObject({ userid: SHARED_USERID, corpid: B, name: '张珊' });
    // A session is its corp's: its token opens nothing at the other corp's paths.
    for (const [at, token] of [
      [atB, tokenA],
      ['', tokenB],
    ] as const) {
      const crossed = await gateway.request('GET', `${at}/api/me`, { token });
      expect(crossed.status).toBe(401);
    }
  });

  it('answers each corp’s customers with that corp’s credentials only', async () => {
    const tokenA = await gateway.login(SHARED_USERID);
    const tokenB = await gateway.login(SHARED_USERID, B);
    const listA = await gateway.request<ContactListResponse>('GET', '/api/external-contacts', {
      token: tokenA,
    });
    const listB = await gateway.request<ContactListResponse>(
      'GET',
      `${atB}/api/external-contacts`,
      { token: tokenB },
    );
    const idsA = listA.body.contacts.map((c) => c.externalContact.externalUserId);
    const idsB = listB.body.contacts.map((c) => c.externalContact.externalUserId);
    expect(idsB.sort()).toEqual([groupCustomerId(1), groupCustomerId(2)]);
    expect(idsA.length).toBeGreaterThan(0);
    expect(idsA.some((id) => idsB.includes(id))).toBe(false);
    // A's zhangsan asks for B's customer, and B's zhangsan for A's: neither exists in their corp.
    const acrossA = await gateway.request('GET', `/api/external-contacts/${groupCustomerId(1)}`, {
      token: tokenA,
    });
    const acrossB = await gateway.request('GET', `${atB}/api/external-contacts/${idsA[0]}`, {
      token: tokenB,
    });
    for (const answer of [acrossA, acrossB]) {
      expect(answer.status).toBeGreaterThanOrEqual(403);
      expect(answer.status).toBeLessThan(500);
    }
    const ownB = await gateway.request<ContactDetailResponse>(
      'GET',
      `${atB}/api/external-contacts/${groupCustomerId(1)}`,
      { token: tokenB },
    );
    expect(ownB.status).toBe(200);
    expect(ownB.body.externalContact.name).toBe('任海波');
  });

  it('ends the sessions of an employee who left one corp, not of the same userid in the other', async () => {
    const tokenA = await gateway.login(SHARED_USERID);
    const tokenB = await gateway.login(SHARED_USERID, B);
    const deliveries = await simulator.corp(B).deleteEmployee(SHARED_USERID);
    expect(deliveries.map((d) => d.delivered)).toEqual([true]);
    const endedB = await gateway.request('GET', `${atB}/api/me`, { token: tokenB });
    expect(errorBody(endedB.body).code).toBe('auth.session_expired');
    const livesA = await gateway.request('GET', '/api/me', { token: tokenA });
    expect(livesA.status).toBe(200);
  });

  it('keeps every key of the second corp under its prefix, and the home corp’s where they were', async () => {
    await gateway.login('chenlei', B);
    const redis = new Redis(testRedisUrl());
    try {
      const keys = await redis.keys(`${prefix}*`);
      const ofB = keys.filter((key) => key.startsWith(`${prefix}corp:${B}:`));
      expect(ofB.some((key) => key.includes('session'))).toBe(true);
      // Nothing else is under corp: (the home corp's keys carry no corp prefix), and no key of
      // the home corp holds B's id.
      expect(keys.filter((key) => key.includes('corp:') && !ofB.includes(key))).toEqual([]);
      expect(keys.filter((key) => !ofB.includes(key) && key.includes(B))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('answers corp.unknown for a corp it does not serve, at its paths and at a login', async () => {
    const path = await gateway.request('GET', '/corps/ww0000000000000000/api/me');
    expect(path.status).toBe(404);
    expect(errorBody(path.body).code).toBe('corp.unknown');
    const foreign = simulator.seed.otherCorp.corpId;
    const login = await loginAt('', simulator.issueLoginCode('someone', { corpId: foreign }));
    expect(login.status).toBe(404);
    expect(errorBody(login.body).code).toBe('corp.unknown');
  });

  it('lets the deployment’s admin switch between corps, and a corp’s admin see only theirs', async () => {
    type Corps = { current: string; corps: { corpId: string; consolePath: string }[] };
    const all = await gateway.request<Corps>('GET', `${atB}/api/admin/corps`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(all.body.current).toBe(B);
    expect(all.body.corps.map((corp) => [corp.corpId, corp.consolePath])).toEqual([
      [A, '/admin/'],
      [B, `${atB}/admin/`],
    ]);
    // zhoujie is an admin of B only: B's list is B, and A's admin routes refuse him.
    const adminB = await gateway.login('zhoujie', B);
    const own = await gateway.request<Corps>('GET', `${atB}/api/admin/corps`, { token: adminB });
    expect(own.body.corps.map((corp) => corp.corpId)).toEqual([B]);
    const atA = await gateway.login('lisi');
    const refused = await gateway.request('GET', '/api/admin/corps', { token: atA });
    expect(refused.status).toBe(403);
  });

  it('serves the home corp under its corp path too', async () => {
    const login = await loginAt(`/corps/${A}`, simulator.issueLoginCode('lisi'));
    expect(login.status).toBe(201);
    const me = await gateway.request<MeResponse>('GET', `/corps/${A}/api/me`, {
      token: login.body.token,
    });
    expect(me.body.user).toMatchObject({ userid: 'lisi', corpid: A });
    expect((await gateway.request('GET', '/api/me', { token: login.body.token })).status).toBe(200);
  });
});
