import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type {
  ContactListResponse,
  LoginResponse,
  MeResponse,
} from '../../../miniprogram/typings/api';
import type { Simulator } from '../../../server/src/sandbox';
import { GROUP_CORP_ID, groupCorp, SHARED_USERID } from '../../../server/src/sandbox/group-corp';
import {
  CUSTOM_SUITE_ID,
  demoSuites,
  PROVIDER_CORP_ID,
  PROVIDER_SECRET,
  THIRD_PARTY_SUITE_ID,
} from '../../../server/src/sandbox/suites';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { testRedisUrl, uniquePrefix } from '../../helpers/stores';

// The service provider's side over real HTTP: the simulator plays WeCom with the
// provider's two suites (a 代开发 template and a third-party app); the deployment's home corp is
// the demo corp, and the sister corp B installs the suites in turn. Pushes arrive encrypted at
// the suites' 指令回调; everything is kept in a real Redis.

const B = GROUP_CORP_ID;
const atB = `/corps/${B}`;
const ADMIN_TOKEN = 'provider-admin-token-0123456789';
/** The same keys for every instance of the deployment (a restart, a second instance). */
const env: Record<string, string> = {
  CORP_SECRETS_KEY: randomBytes(32).toString('base64'),
  SUITE0_TOKEN: 'suiteToken0',
  SUITE0_AES_KEY: randomBytes(32).toString('base64').replace(/[+/=]/g, 'a').slice(0, 43),
  SUITE1_TOKEN: 'suiteToken1',
  SUITE1_AES_KEY: randomBytes(32).toString('base64').replace(/[+/=]/g, 'b').slice(0, 43),
  ADMIN_TOKEN,
};

let simulator: Simulator;
const prefix = uniquePrefix();
const gateways: TestGateway[] = [];

async function startGateway(providerSecret = PROVIDER_SECRET): Promise<TestGateway> {
  const gateway = await startTestGateway({
    simulator,
    prefix,
    corps: [simulator],
    suites: demoSuites(),
    provider: { corpId: PROVIDER_CORP_ID, secret: providerSecret },
    env,
    web: true,
  });
  gateways.push(gateway);
  return gateway;
}

const provider = () => simulator.provider!;
const suiteIndex = (suiteId: string) => demoSuites().findIndex((s) => s.suiteId === suiteId);

async function saveSuiteCallbacks(gateway: TestGateway): Promise<void> {
  for (const suite of demoSuites()) {
    const i = suiteIndex(suite.suiteId);
    const result = await provider().registerSuiteCallback(suite.suiteId, {
      url: `${gateway.base}/wecom/suites/${suite.suiteId}/callback`,
      token: env[`SUITE${i}_TOKEN`]!,
      encodingAesKey: env[`SUITE${i}_AES_KEY`]!,
    });
    expect(result).toMatchObject({ verified: true });
  }
}

const loginB = (gateway: TestGateway, userid = SHARED_USERID) =>
  gateway.request<LoginResponse>('POST', `${atB}/api/sessions`, {
    body: { code: simulator.corp(B).issueLoginCode(userid) },
  });

/** Polls until `check` passes or `ms` pass (a change reaches every instance by pub/sub). */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

async function keysOf(pattern: string): Promise<string[]> {
  const redis = new Redis(testRedisUrl());
  try {
    return await redis.keys(pattern);
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  simulator = await startTestSimulator({
    moreCorps: [groupCorp()],
    provider: { suites: demoSuites() },
  });
});
afterAll(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

describe('a service provider’s suites', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGateway();
    await saveSuiteCallbacks(gateway);
  });

  it('serves a corp that installs the 代开发 template, with its permanent code as the app secret', async () => {
    const push = await provider().install(CUSTOM_SUITE_ID, B);
    expect(push.delivery?.delivered).toBe(true);
    expect(await within(2000, async () => (await loginB(gateway)).status === 201)).toBe(true);
    const login = await loginB(gateway);
    expect(login.body.user).toEqual({ userid: SHARED_USERID, corpid: B });
    const me = await gateway.request<MeResponse>('GET', `${atB}/api/me`, {
      token: login.body.token,
    });
    expect(me.body.user).toMatchObject({ corpid: B, name: '张珊' });
    // A 代开发 app logs in with its own token (miniprogram/jscode2session): no open_userid.
    expect(me.body.user.openUserid).toBeUndefined();
    const list = await gateway.request<ContactListResponse>('GET', `${atB}/api/external-contacts`, {
      token: login.body.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.contacts.length).toBe(2);
  });

  it('keeps the permanent code only sealed in the store, and lists the corp for admins', async () => {
    const raw = await keysOf(`${prefix}provider:corps`);
    expect(raw).toHaveLength(1);
    const redis = new Redis(testRedisUrl());
    const stored = await redis.hgetall(raw[0]!);
    redis.disconnect();
    expect(Object.keys(stored)).toEqual([B]);
    for (const secret of simulator.issuedSecrets()) expect(stored[B]).not.toContain(secret);
    const status = await gateway.request<{ corps: { corpId: string; kind: string }[] }>(
      'GET',
      '/api/admin/provider/corps',
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(status.status).toBe(200);
    expect(status.body.corps).toEqual([
      expect.objectContaining({ corpId: B, kind: 'custom', path: `${atB}/` }),
    ]);
    expect(JSON.stringify(status.body)).not.toMatch(/permanent/i);
  });

  it('keeps the suite ticket and the installed corps across a restart', async () => {
    await gateway.close();
    gateways.splice(gateways.indexOf(gateway), 1);
    simulator.resetCalls();
    gateway = await startGateway();
    // The install link needs the suite token: with the cached one gone, it is made from the
    // ticket kept in the store (no push has reached the new instance).
    const redis = new Redis(testRedisUrl());
    await redis.del(`${prefix}suite:${THIRD_PARTY_SUITE_ID}:token`);
    redis.disconnect();
    const link = await gateway.request<{ url: string }>('POST', '/api/admin/provider/install-url', {
      body: { suiteId: THIRD_PARTY_SUITE_ID },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(link.status).toBe(200);
    expect(new URL(link.body.url).searchParams.get('suite_id')).toBe(THIRD_PARTY_SUITE_ID);
    expect(simulator.calls('service/get_suite_token')).toBe(1);
    expect((await loginB(gateway)).status).toBe(201);
    await saveSuiteCallbacks(gateway);
  });

  it('removes a corp that cancels, with its data and sessions, within a second', async () => {
    const login = await loginB(gateway);
    expect(login.status).toBe(201);
    expect((await keysOf(`${prefix}corp:${B}:*`)).length).toBeGreaterThan(0);
    const started = Date.now();
    await provider().cancelAuth(CUSTOM_SUITE_ID, B);
    const gone = await within(1000, async () => {
      const me = await gateway.request('GET', `${atB}/api/me`, { token: login.body.token });
      return me.status === 404 && errorBody(me.body).code === 'corp.unknown';
    });
    expect(gone).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await keysOf(`${prefix}corp:${B}:*`)).toEqual([]);
  });

  it('serves a corp that installs the third-party app, with tokens and the login from the suite', async () => {
    simulator.resetCalls();
    await provider().install(THIRD_PARTY_SUITE_ID, B);
    expect(await within(2000, async () => (await loginB(gateway)).status === 201)).toBe(true);
    const login = await loginB(gateway);
    const list = await gateway.request<ContactListResponse>('GET', `${atB}/api/external-contacts`, {
      token: login.body.token,
    });
    expect(list.status).toBe(200);
    expect(simulator.calls('service/miniprogram/jscode2session')).toBeGreaterThan(0);
    // The session keeps the open_userid the suite's login answered: the employee's ID across the
    // provider's apps, the same at every login.
    const me = await gateway.request<MeResponse>('GET', `${atB}/api/me`, {
      token: login.body.token,
    });
    expect(me.body.user).toMatchObject({ userid: SHARED_USERID, corpid: B });
    expect(me.body.user.openUserid).toMatch(/^wo[\w-]{30}$/);
    const again = await loginB(gateway);
    const meAgain = await gateway.request<MeResponse>('GET', `${atB}/api/me`, {
      token: again.body.token,
    });
    expect(meAgain.body.user.openUserid).toBe(me.body.user.openUserid);
    expect(simulator.calls('service/get_corp_token')).toBeGreaterThan(0);
    expect(simulator.calls('miniprogram/jscode2session')).toBe(0);
    // The mini-program is the suite's: a first login at the root is exchanged with the suite,
    // whose answer names the corp to log in at.
    const root = await gateway.request('POST', '/api/sessions', {
      body: { code: simulator.corp(B).issueLoginCode(SHARED_USERID) },
    });
    expect(root.status).toBe(409);
    expect(errorBody(root.body)).toMatchObject({ code: 'auth.corp_switch', data: { corpId: B } });
    expect(simulator.calls('miniprogram/jscode2session')).toBe(0);
  });

  it('has the doctor check the suites’ tickets, and each installed corp’s permanent code', async () => {
    const asAdmin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
    type Report = { checks: { id: string; status: string }[] };
    const home = await gateway.request<Report>('GET', '/api/admin/diagnostics', asAdmin);
    const suiteChecks = home.body.checks.filter((check) => check.id.startsWith('suite-ticket:'));
    expect(suiteChecks).toEqual([
      expect.objectContaining({ id: `suite-ticket:${THIRD_PARTY_SUITE_ID}`, status: 'ok' }),
      expect.objectContaining({ id: `suite-ticket:${CUSTOM_SUITE_ID}`, status: 'ok' }),
    ]);
    const corp = await gateway.request<Report>('GET', `${atB}/api/admin/diagnostics`, asAdmin);
    expect(corp.body.checks).toContainEqual(
      expect.objectContaining({ id: 'permanent-code', status: 'ok' }),
    );
  });

  it('has the doctor check an installed corp’s interface licences: its trial, then its members’ accounts', async () => {
    type Check = { id: string; status: string; errcode?: number; summary: { en: string } };
    const licence = async (at = gateway) => {
      const report = await at.request<{ checks: Check[] }>('GET', `${atB}/api/admin/diagnostics`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      return report.body.checks.find((check) => check.id === 'licence');
    };
    simulator.resetCalls();
    const day = 24 * 60 * 60_000;
    const now = Date.now();
    // A new install: WeCom checks licences, after a 90-day trial.
    expect(await licence()).toMatchObject({ status: 'ok', summary: { en: /89|90 day/ } });
    provider().setLicence(THIRD_PARTY_SUITE_ID, B, {
      checked: true,
      trial: { start: now - 100 * day, end: now + 5 * day },
    });
    expect(await licence()).toMatchObject({ status: 'warn', summary: { en: /5 day/ } });
    // The trial is over and no member has a licence: every customer read would answer 701008.
    provider().setLicence(THIRD_PARTY_SUITE_ID, B, {
      checked: true,
      trial: { start: now - 100 * day, end: now - 10 * day },
      checkFrom: now - 10 * day,
    });
    expect(await licence()).toMatchObject({ status: 'fail', summary: { en: /701008/ } });
    // …as the customer list then shows: WeCom refuses the member without a licence.
    const login = await loginB(gateway);
    const customers = () =>
      gateway.request('GET', `${atB}/api/external-contacts`, { token: login.body.token });
    const refused = await customers();
    expect(refused.status).toBe(502);
    expect(errorBody(refused.body)).toMatchObject({ data: { errcode: 701008 } });
    provider().activateLicence(B, SHARED_USERID, 2, 365);
    expect((await customers()).status).toBe(200);
    expect(await licence()).toMatchObject({
      status: 'ok',
      summary: { en: /1 member\(s\) have an active interworking/ },
    });
    provider().setLicence(THIRD_PARTY_SUITE_ID, B, { checked: false });
    expect(await licence()).toMatchObject({ status: 'ok', summary: { en: /license_status 0/ } });
    // The provider_access_token the previous test's doctor made (kept in the store) served them all.
    expect(simulator.calls('service/get_provider_token')).toBe(0);
    expect(simulator.calls('license/get_app_license_info')).toBe(5);

    // A wrong ProviderSecret (an app's secret, say) is named, with where the right one is.
    const wrong = await startGateway(demoSuites()[0]!.suiteSecret);
    const redis = new Redis(testRedisUrl());
    await redis.del(`${prefix}provider:token`);
    redis.disconnect();
    expect(await licence(wrong)).toMatchObject({
      status: 'fail',
      errcode: 40001,
      fix: { en: expect.stringContaining('ProviderSecret') },
    });
    await wrong.close();
    gateways.splice(gateways.indexOf(wrong), 1);
  });
});

describe('two instances of one deployment', () => {
  it('fetch the suite token once between them, with the ticket one of them received', async () => {
    const shared = uniquePrefix();
    const start = () =>
      startTestGateway({
        simulator,
        prefix: shared,
        corps: [simulator],
        suites: demoSuites(),
        env,
        web: true,
      }).then((gateway) => {
        gateways.push(gateway);
        return gateway;
      });
    const [one, two] = [await start(), await start()];
    // Before the provider admin saves the 指令回调 URL: no ticket, and the doctor says where to.
    const doctor = await one.request<{ ok: boolean; checks: { id: string; status: string }[] }>(
      'GET',
      '/api/admin/diagnostics',
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(doctor.body.ok).toBe(false);
    expect(doctor.body.checks).toContainEqual(
      expect.objectContaining({ id: `suite-ticket:${CUSTOM_SUITE_ID}`, status: 'fail' }),
    );
    await saveSuiteCallbacks(one);
    simulator.resetCalls();
    const links = await Promise.all(
      [one, two, one, two].map((gateway) =>
        gateway.request<{ url: string }>('POST', '/api/admin/provider/install-url', {
          body: { suiteId: THIRD_PARTY_SUITE_ID },
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        }),
      ),
    );
    expect(links.map((link) => link.status)).toEqual([200, 200, 200, 200]);
    expect(simulator.calls('service/get_suite_token')).toBe(1);
    expect(simulator.calls('service/get_pre_auth_code')).toBe(4);

    // A corp's admin follows the link: WeCom's install page, 授权 for corp B, back to the
    // deployment, which sends the admin on to B's console (B is served from then on).
    const page = await fetch(links[0]!.body.url).then((answer) => answer.text());
    const approve = new RegExp(`href="([^"]+)"[^>]*>授权[^<]*<span[^>]*>${B}<`).exec(
      page.replaceAll('&amp;', '&'),
    );
    expect(approve).not.toBeNull();
    const back = await fetch(new URL(approve![1]!, simulator.url), { redirect: 'manual' });
    const landing = back.headers.get('location')!;
    expect(
      landing.startsWith(`${one.base}/provider/suites/${THIRD_PARTY_SUITE_ID}/installed?`),
    ).toBe(true);
    const console = await fetch(landing.replace(one.base, two.base), { redirect: 'manual' });
    expect(console.status).toBe(302);
    expect(console.headers.get('location')).toBe(`${atB}/admin/`);
    expect(
      await within(1000, async () => {
        const login = await loginB(one);
        return login.status === 201;
      }),
    ).toBe(true);
    // The same auth code again, or one WeCom never gave: refused, and counted for the IP.
    for (const code of [new URL(landing).searchParams.get('auth_code')!, 'forged-auth-code']) {
      const again = await fetch(
        `${two.base}/provider/suites/${THIRD_PARTY_SUITE_ID}/installed?auth_code=${code}`,
        { redirect: 'manual' },
      );
      expect(again.status).toBe(code === 'forged-auth-code' ? 502 : 302);
    }
  });

  it('refuses a push that is not signed with the suite’s keys, and a suite it does not have', async () => {
    const gateway = gateways[gateways.length - 1]!;
    const forged = await gateway.request(
      'POST',
      `/wecom/suites/${CUSTOM_SUITE_ID}/callback?msg_signature=${'0'.repeat(40)}&timestamp=${Math.floor(Date.now() / 1000)}&nonce=abc`,
      { rawBody: '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>' },
    );
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    expect(forged.text).not.toBe('success');
    const unknown = await gateway.request('GET', '/wecom/suites/wwnosuchsuite/callback');
    expect(unknown.status).toBe(404);
  });
});

describe('a corp of the corps file that installs a suite too', () => {
  it('stays served as the file says: self-built, with its own admins', async () => {
    const gateway = await startTestGateway({
      simulator,
      prefix: uniquePrefix(),
      corps: [simulator, simulator.corp(B)],
      corpAdmins: { [B]: ['zhoujie'] },
      suites: demoSuites(),
      env,
      web: true,
    });
    gateways.push(gateway);
    await saveSuiteCallbacks(gateway);
    const push = await provider().install(CUSTOM_SUITE_ID, B);
    expect(push.delivery?.delivered).toBe(true);
    const admin = await gateway.login('zhoujie', B);
    const corps = await gateway.request<{ corps: { corpId: string; kind: string }[] }>(
      'GET',
      `${atB}/api/admin/corps`,
      { token: admin },
    );
    expect(corps.status).toBe(200);
    expect(corps.body.corps).toEqual([expect.objectContaining({ corpId: B, kind: 'self-built' })]);
  });
});
