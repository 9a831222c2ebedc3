import type { JssdkSignatureResponse } from '../../../miniprogram/typings/api';
import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { createTestRedisStore, uniquePrefix } from '../../helpers/stores';
import { WebClient, webLogin } from '../../helpers/web-client';

// JS-SDK signatures over HTTP, checked the way WeCom's JS-SDK in a page checks them (the
// simulator's verifier), with the tickets cached and refreshed once across instances.

const PUBLIC = 'https://gate.example.com';
const env = (simulator: Simulator) => ({
  PUBLIC_BASE_URL: PUBLIC,
  WECOM_APP_AGENT_ID: simulator.seed.miniprogramApp.agentid,
});

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

type Signed = JssdkSignatureResponse;

/** What `wx.config` and `wx.agentConfig` on `url` would answer for these signatures. */
function verify(signed: Signed, url: string) {
  return {
    config: simulator.verifyJsapiSignature({ kind: 'config', url, ...signed.config }).errcode,
    agentConfig: simulator.verifyJsapiSignature({ kind: 'agentConfig', url, ...signed.agentConfig })
      .errcode,
  };
}

const signaturePath = (url: string, extra: Record<string, string> = {}) =>
  `/api/jssdk/signature?${new URLSearchParams({ url, ...extra })}`;

describe('one gateway', () => {
  let gateway: TestGateway;
  let token: string;
  beforeAll(async () => {
    gateway = await startTestGateway({ simulator, env: env(simulator) });
    token = await gateway.login('zhangsan');
  });
  afterAll(() => gateway.close());

  test('both signatures for a page of PUBLIC_BASE_URL, over the URL without its fragment, each with its own ticket', async () => {
    const url = `${PUBLIC}/h5/customers?from=chat&id=1#/detail?x=1`;
    const answer = await gateway.request<Signed>('GET', signaturePath(url), { token });
    expect(answer.status).toBe(200);
    const signed = answer.body;
    const now = Math.floor(Date.now() / 1000);
    expect(signed).toEqual({
      config: {
        appId: simulator.corpId,
        timestamp: expect.any(Number),
        nonceStr: expect.stringMatching(/^\w{8,32}$/),
        signature: expect.stringMatching(/^[0-9a-f]{40}$/),
      },
      agentConfig: {
        corpid: simulator.corpId,
        agentid: simulator.seed.miniprogramApp.agentid,
        timestamp: expect.any(Number),
        nonceStr: expect.stringMatching(/^\w{8,32}$/),
        signature: expect.stringMatching(/^[0-9a-f]{40}$/),
      },
    });
    expect(Math.abs(signed.config.timestamp - now)).toBeLessThanOrEqual(5);
    expect(verify(signed, url)).toEqual({ config: 0, agentConfig: 0 });
    // The page without the fragment is the same page; another page is not.
    expect(verify(signed, url.split('#')[0]!)).toEqual({ config: 0, agentConfig: 0 });
    expect(verify(signed, `${PUBLIC}/h5/customers?from=chat&id=2`)).toEqual({
      config: 40093,
      agentConfig: 40093,
    });
    // The corp ticket signs wx.config only, the app's ticket wx.agentConfig only.
    expect(
      simulator.verifyJsapiSignature({ kind: 'config', url, ...signed.agentConfig }).errcode,
    ).toBe(40093);
    expect(
      simulator.verifyJsapiSignature({
        kind: 'agentConfig',
        agentid: signed.agentConfig.agentid,
        url,
        ...signed.config,
      }).errcode,
    ).toBe(40093);
  });

  test.each([
    ['another origin', 'https://evil.example/h5'],
    ['another port', 'https://gate.example.com:8443/h5'],
    ['http instead of https', 'http://gate.example.com/h5'],
    ['user info', 'https://user@gate.example.com/h5'],
    ['user info with a password', 'https://a:b@gate.example.com/h5'],
    ['a look-alike host', 'https://gate.example.com.evil.example/h5'],
    ['a backslash', 'https://gate.example.com\\@evil.example/'],
    ['not a URL', 'gate.example.com/h5'],
    ['a relative path', '/h5'],
  ])('%s is jssdk.url_not_allowed', async (_what, url) => {
    const answer = await gateway.request('GET', signaturePath(url), { token });
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).code).toBe('jssdk.url_not_allowed');
  });

  test('who may ask: an employee with a mini-program token or a web session; nobody else', async () => {
    const url = `${PUBLIC}/h5`;
    expect((await gateway.request('GET', signaturePath(url))).status).toBe(401);
    expect(
      (await gateway.request('GET', signaturePath(url), { token: 'not-a-token' })).status,
    ).toBe(401);
    // The same gateway with the web login on its own origin: a web session signs too.
    const web = await startTestGateway({ simulator, web: true });
    try {
      const browser = new WebClient();
      await webLogin(browser, web.url, { userid: 'zhaoliu' });
      const page = `${web.url}/h5/index.html?a=1`;
      const answer = await browser.get(`${web.url}${signaturePath(page)}`);
      expect(answer.status).toBe(200);
      expect(verify(JSON.parse(answer.text) as Signed, page)).toEqual({
        config: 0,
        agentConfig: 0,
      });
    } finally {
      await web.close();
    }
  });

  test('query validation: a rejected block needs its timestamp, nonceStr and signature', async () => {
    const answer = await gateway.request(
      'GET',
      signaturePath(`${PUBLIC}/h5`, { rejected: 'config' }),
      { token },
    );
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).code).toBe('guard.invalid_input');
  });
});

describe('two gateways on one Redis', () => {
  let store: Awaited<ReturnType<typeof createTestRedisStore>>;
  let gateways: TestGateway[];
  let tokens: string[];

  beforeEach(async () => {
    store = await createTestRedisStore({ prefix: uniquePrefix() });
    gateways = await Promise.all(
      [0, 1].map(() => startTestGateway({ simulator, store, env: env(simulator) })),
    );
    tokens = await Promise.all(gateways.map((g) => g.login('zhangsan')));
    simulator.resetCalls();
  });
  afterEach(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await store.close();
  });

  const sign = (i: number, url: string, extra?: Record<string, string>) =>
    gateways[i % 2]!.request<Signed>('GET', signaturePath(url, extra), { token: tokens[i % 2] });

  test('200 concurrent requests at a cold start: one get_jsapi_ticket and one ticket/get in all', async () => {
    const url = `${PUBLIC}/h5/cold`;
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => sign(i, url)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(simulator.calls('get_jsapi_ticket')).toBe(1);
    expect(simulator.calls('ticket/get')).toBe(1);
    for (const answer of [answers[0]!, answers[199]!]) {
      expect(verify(answer.body, url)).toEqual({ config: 0, agentConfig: 0 });
    }
    // Later requests are answered from the cache.
    await Promise.all(Array.from({ length: 20 }, (_, i) => sign(i, url)));
    expect(simulator.calls('get_jsapi_ticket')).toBe(1);
    expect(simulator.calls('ticket/get')).toBe(1);
  });

  test('a ticket WeCom calls invalid is replaced once, however many pages report it', async () => {
    const url = `${PUBLIC}/h5/stale`;
    const first = (await sign(0, url)).body;
    expect(verify(first, url)).toEqual({ config: 0, agentConfig: 0 });
    simulator.invalidateTickets();
    expect(verify(first, url)).toEqual({ config: 42012, agentConfig: 42012 });
    simulator.resetCalls();

    const report = (kind: 'config' | 'agentConfig', block: Omit<Signed['config'], 'appId'>) => ({
      rejected: kind,
      timestamp: String(block.timestamp),
      nonceStr: block.nonceStr,
      signature: block.signature,
    });
    const retried = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sign(
          i,
          url,
          i % 2 === 0 ? report('config', first.config) : report('agentConfig', first.agentConfig),
        ),
      ),
    );
    expect(retried.map((a) => a.status)).toEqual(retried.map(() => 200));
    expect(simulator.calls('get_jsapi_ticket')).toBe(1);
    expect(simulator.calls('ticket/get')).toBe(1);
    for (const answer of [retried[0]!, retried[39]!]) {
      expect(verify(answer.body, url)).toEqual({ config: 0, agentConfig: 0 });
    }

    // A late report about the old ticket changes nothing; nor does a made-up one.
    await sign(0, url, report('config', first.config));
    await sign(1, url, report('config', { ...first.config, signature: 'f'.repeat(40) }));
    expect(simulator.calls('get_jsapi_ticket')).toBe(1);
    expect(simulator.calls('ticket/get')).toBe(1);
  });
});
