import { createHash } from 'node:crypto';
import {
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_OTHER_APP_SECRET,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';
import { pickLink, WebClient } from '../../helpers/web-client';

// The simulator's side of the web login and the JS-SDK: WeCom's login pages, auth/getuserinfo,
// both ticket APIs, and what a page's wx.config would answer.

let now = Date.now();
let sim: Simulator;
let appToken: string;

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => now, ticketTtlSeconds: 7200 });
  appToken = await tokenFor(sim);
});

const redirect = 'http://127.0.0.1:9/auth/wecom/callback';
const loginPage = (path: string, params: Record<string, string>) =>
  new WebClient().get(`${sim.url}${path}?${new URLSearchParams(params)}`);
const qrParams = () => ({
  login_type: 'CorpApp',
  appid: sim.corpId,
  agentid: sim.seed.miniprogramApp.agentid,
  redirect_uri: redirect,
  state: 'abc123',
});

describe('login pages', () => {
  test('the QR page lists the app’s visible, active employees, an outsider and a refusal', async () => {
    const page = await loginPage('/wwlogin/sso/login', qrParams());
    expect(page.status).toBe(200);
    expect(page.text).toContain('企业微信扫码登录');
    expect(page.text).toContain('data-userid="zhangsan"');
    expect(page.text).toContain('data-userid="lisi"');
    expect(page.text).not.toContain('data-userid="liuzong"'); // outside the visible range
    expect(page.text).toContain('data-choice="outsider"');
    expect(page.text).toContain('data-choice="cancel"');
  });

  test('a pick redirects back with a single-use code and the state; a refusal with the state only', async () => {
    const page = await loginPage('/wwlogin/sso/login', qrParams());
    const browser = new WebClient();
    const back = await browser.get(`${sim.url}${pickLink(page, { userid: 'lisi' })}`);
    expect(back.status).toBe(302);
    const location = new URL(back.location!);
    expect(`${location.origin}${location.pathname}`).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('abc123');
    const code = location.searchParams.get('code')!;
    expect(code).toMatch(/^[\w-]{20,}$/);
    expect(await callWecom(sim, 'auth/getuserinfo', { access_token: appToken, code })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      userid: 'lisi',
    });
    const again = await callWecom(sim, 'auth/getuserinfo', { access_token: appToken, code });
    expect(again.errcode).toBe(40029);

    const cancelled = await browser.get(`${sim.url}${pickLink(page, 'cancel')}`);
    const cancelledAt = new URL(cancelled.location!);
    expect(cancelledAt.searchParams.get('code')).toBeNull();
    expect(cancelledAt.searchParams.get('state')).toBe('abc123');
  });

  test('someone outside the corp gets an openid, not a userid', async () => {
    const page = await loginPage('/connect/oauth2/authorize', {
      appid: sim.corpId,
      redirect_uri: redirect,
      response_type: 'code',
      scope: 'snsapi_base',
      state: 's1',
      agentid: sim.seed.miniprogramApp.agentid,
    });
    expect(page.text).toContain('企业微信网页授权');
    const back = await new WebClient().get(`${sim.url}${pickLink(page, 'outsider')}`);
    const code = new URL(back.location!).searchParams.get('code')!;
    const answer = await callWecom(sim, 'auth/getuserinfo', { access_token: appToken, code });
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', openid: expect.stringMatching(/^oYsDemo/) });
    expect(answer).not.toHaveProperty('userid');
  });

  test.each([
    ['another corp ID', { appid: 'ww0000000000000000' }, 'appid'],
    ['no CorpApp', { login_type: 'ServiceApp' }, 'login_type'],
    ['an unknown AgentId', { agentid: '999' }, 'agentid'],
    ['no redirect_uri', { redirect_uri: '' }, 'redirect_uri'],
    ['a state with other characters', { state: 'a-b' }, 'state'],
  ])('%s is an error page, not a redirect', async (_what, change, named) => {
    const page = await loginPage('/wwlogin/sso/login', { ...qrParams(), ...change });
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.text).toContain(named);
  });
});

describe('auth/getuserinfo', () => {
  test('with the token of the app the login was for only', async () => {
    const code = sim.issueWebLoginCode({ userid: 'zhangsan' });
    const other = await tokenFor(sim, DEMO_OTHER_APP_SECRET);
    expect((await callWecom(sim, 'auth/getuserinfo', { access_token: other, code })).errcode).toBe(
      40029,
    );
    const sync = await tokenFor(sim, DEMO_DIRECTORY_SYNC_SECRET);
    const refused = await callWecom(sim, 'auth/getuserinfo', {
      access_token: sync,
      code: sim.issueWebLoginCode({ userid: 'zhangsan' }),
    });
    expect(refused.errcode).toBe(48002);
    expect((await callWecom(sim, 'auth/getuserinfo', { access_token: appToken })).errcode).toBe(
      41008,
    );
  });

  test('a code expires after five minutes', async () => {
    const code = sim.issueWebLoginCode({ userid: 'zhangsan' });
    now += 5 * 60_000;
    try {
      const answer = await callWecom(sim, 'auth/getuserinfo', { access_token: appToken, code });
      expect(answer.errcode).toBe(40029);
    } finally {
      now -= 5 * 60_000;
    }
  });
});

describe('JS-SDK tickets', () => {
  const sign = (ticket: string, url: string, nonceStr: string, timestamp: number) =>
    createHash('sha1')
      .update(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`)
      .digest('hex');

  test('get_jsapi_ticket (the corp’s) and ticket/get?type=agent_config (the token’s app’s), counted', async () => {
    sim.resetCalls();
    const corp = await callWecom(sim, 'get_jsapi_ticket', { access_token: appToken });
    expect(corp).toMatchObject({ errcode: 0, expires_in: 7200, ticket: expect.any(String) });
    const agent = await callWecom(sim, 'ticket/get', {
      access_token: appToken,
      type: 'agent_config',
    });
    expect(agent).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect(agent.ticket).not.toBe(corp.ticket);
    expect(sim.calls('get_jsapi_ticket')).toBe(1);
    expect(sim.calls('ticket/get')).toBe(1);
    const wrongType = await callWecom(sim, 'ticket/get', { access_token: appToken, type: 'x' });
    expect(wrongType.errcode).toBe(40058);

    const url = 'https://gate.example.com/h5';
    const agentid = sim.seed.miniprogramApp.agentid;
    const config = { url, nonceStr: 'n1', timestamp: 100 };
    expect(
      sim.verifyJsapiSignature({
        kind: 'config',
        ...config,
        signature: sign(corp.ticket, url, 'n1', 100),
      }).errcode,
    ).toBe(0);
    expect(
      sim.verifyJsapiSignature({
        kind: 'agentConfig',
        agentid,
        ...config,
        signature: sign(corp.ticket, url, 'n1', 100),
      }),
    ).toEqual({ errcode: 40093, errmsg: 'invalid signature' });
    expect(
      sim.verifyJsapiSignature({
        kind: 'agentConfig',
        agentid,
        ...config,
        signature: sign(agent.ticket, url, 'n1', 100),
      }).errcode,
    ).toBe(0);
  });

  test('tickets expire, and the control surface invalidates them (42012 in the page)', async () => {
    const url = 'https://gate.example.com/h5';
    const ticket = (await callWecom(sim, 'get_jsapi_ticket', { access_token: appToken })).ticket;
    const check = { kind: 'config' as const, url, nonceStr: 'n', timestamp: 1 };
    const signature = sign(ticket, url, 'n', 1);
    now += 7200_000;
    try {
      expect(sim.verifyJsapiSignature({ ...check, signature }).errcode).toBe(42012);
    } finally {
      now -= 7200_000;
    }
    const verify = async () =>
      (
        await fetch(`${sim.url}/sandbox/jssdk/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...check, signature }),
        })
      ).json();
    expect(await verify()).toEqual({ errcode: 0, errmsg: 'ok' });
    const invalidated = await fetch(`${sim.url}/sandbox/tickets/invalidate`, { method: 'POST' });
    expect(invalidated.status).toBe(204);
    expect(await verify()).toEqual({ errcode: 42012, errmsg: 'ticket no available' });
  });
});
