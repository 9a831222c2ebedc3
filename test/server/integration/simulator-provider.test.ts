import {
  CUSTOM_SUITE_ID,
  CUSTOM_SUITE_SECRET,
  customerId,
  type DemoSuite,
  demoSuites,
  GROUP_CORP_ID,
  groupCorp,
  groupCustomerId,
  PROVIDER_CORP_ID,
  PROVIDER_SECRET,
  type ProviderSimulator,
  SHARED_USERID,
  type Simulator,
  type SuitePush,
  THIRD_PARTY_SUITE_ID,
  THIRD_PARTY_SUITE_SECRET,
} from '../../../server/src/sandbox/index';
import { eventually } from '../../helpers/callbacks';
import { callWecom, startTestSimulator } from '../../helpers/simulator';
import {
  CUSTOM_SUITE_CALLBACK,
  type SuiteReceiver,
  startSuiteReceiver,
  THIRD_PARTY_SUITE_CALLBACK,
  xmlField,
} from '../../helpers/suite-receiver';
import { WebClient } from '../../helpers/web-client';

// The service provider's side of the simulated WeCom: two suites (a third-party app and a 代开发
// template) installed in the corps the simulator plays (the demo corp A and groupCorp() B), over
// real HTTP: the 指令回调 pushes, service/* and the install page.
jest.setTimeout(30_000);

let sim: Simulator;
let provider: ProviderSimulator;
let third: SuiteReceiver;
let custom: SuiteReceiver;
/** Moves the simulator's clock (tickets, codes and tokens expire by it). */
let offsetMs = 0;

const suites: DemoSuite[] = demoSuites();

beforeAll(async () => {
  sim = await startTestSimulator({
    moreCorps: [groupCorp()],
    provider: { suites },
    now: () => Date.now() + offsetMs,
    callbackRetries: 1,
    callbackRetryDelayMs: 10,
  });
  provider = sim.provider!;
  third = await startSuiteReceiver(THIRD_PARTY_SUITE_CALLBACK);
  custom = await startSuiteReceiver(CUSTOM_SUITE_CALLBACK);
});
afterAll(async () => {
  await third?.close();
  await custom?.close();
});

const post = (api: string, query: Record<string, string>, body: unknown) =>
  callWecom(sim, `service/${api}`, query, body);
const suiteToken = (suite_id: string, suite_secret: string, suite_ticket: string) =>
  post('get_suite_token', {}, { suite_id, suite_secret, suite_ticket });

/** A suite_access_token from a freshly pushed ticket. */
async function tokenOf(suiteId: string): Promise<string> {
  const { code } = await provider.pushSuiteTicket(suiteId);
  const secret = suiteId === CUSTOM_SUITE_ID ? CUSTOM_SUITE_SECRET : THIRD_PARTY_SUITE_SECRET;
  const answer = await suiteToken(suiteId, secret, code);
  expect(answer.errcode).toBe(0);
  return answer.suite_access_token;
}

describe('simulator: provider, 指令回调', () => {
  it('verifies the URL with the suite ID as receiveid, then pushes a suite_ticket at once', async () => {
    expect(
      await provider.registerSuiteCallback(THIRD_PARTY_SUITE_ID, {
        url: third.url,
        ...THIRD_PARTY_SUITE_CALLBACK,
      }),
    ).toEqual({ verified: true, status: 200 });
    expect(third.verifications).toEqual([THIRD_PARTY_SUITE_ID]);
    const pushed = await eventually(
      async () => third.ofType('suite_ticket'),
      (list) => list.length > 0,
    );
    expect(pushed).toHaveLength(1);
    expect(
      await provider.registerSuiteCallback(CUSTOM_SUITE_ID, {
        url: custom.url,
        ...CUSTOM_SUITE_CALLBACK,
      }),
    ).toMatchObject({ verified: true });
    expect(custom.verifications).toEqual([CUSTOM_SUITE_ID]);
    // Keys of another suite: WeCom's echostr does not decrypt, the save fails.
    expect(
      (
        await provider.registerSuiteCallback(CUSTOM_SUITE_ID, {
          url: custom.url,
          ...THIRD_PARTY_SUITE_CALLBACK,
        })
      ).verified,
    ).toBe(false);
  });

  it("pushes suite_ticket encrypted with the suite's keys for its ID, and wants `success`", async () => {
    third.messages.length = 0;
    const push: SuitePush = await provider.pushSuiteTicket(THIRD_PARTY_SUITE_ID);
    const { code: ticket, delivery } = push;
    expect(delivery).toMatchObject({ delivered: true, receiver: 'suite', event: 'suite_ticket' });
    expect(third.messages).toHaveLength(1);
    const [received] = third.messages;
    expect(received!.signed).toBe(true);
    expect(received!.receiveid).toBe(THIRD_PARTY_SUITE_ID);
    expect(received!.envelope).toMatch(
      new RegExp(
        `^<xml><ToUserName><!\\[CDATA\\[${THIRD_PARTY_SUITE_ID}\\]\\]></ToUserName><Encrypt><!\\[CDATA\\[[^\\]]+\\]\\]></Encrypt><AgentID><!\\[CDATA\\[\\]\\]></AgentID></xml>$`,
      ),
    );
    expect(received!.message).toMatch(
      new RegExp(
        `^<xml><SuiteId><!\\[CDATA\\[${THIRD_PARTY_SUITE_ID}\\]\\]></SuiteId><InfoType><!\\[CDATA\\[suite_ticket\\]\\]></InfoType><TimeStamp>\\d{10}</TimeStamp><SuiteTicket><!\\[CDATA\\[${ticket}\\]\\]></SuiteTicket></xml>$`,
      ),
    );

    // A 200 with another body is not an answer WeCom accepts: retried, then given up.
    third.answer = 'ok';
    const refused = await provider.pushSuiteTicket(THIRD_PARTY_SUITE_ID);
    third.answer = 'success';
    expect(refused.delivery).toMatchObject({ delivered: false });
    expect(refused.delivery!.attempts.map((a) => a.outcome)).toEqual([
      'not success',
      'not success',
    ]);
    expect(provider.suiteDeliveries(THIRD_PARTY_SUITE_ID).at(-1)).toMatchObject({
      delivered: false,
    });
  });
});

describe('simulator: provider, suite_access_token', () => {
  it('gives a suite_access_token for a pushed ticket; refuses unknown suites, secrets and tickets', async () => {
    const { code: ticket } = await provider.pushSuiteTicket(THIRD_PARTY_SUITE_ID);
    sim.resetCalls();
    const ok = await suiteToken(THIRD_PARTY_SUITE_ID, THIRD_PARTY_SUITE_SECRET, ticket);
    expect(ok).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(ok.suite_access_token).toEqual(expect.any(String));
    expect(sim.calls('service/get_suite_token')).toBe(1);

    expect(
      (await suiteToken('wwsuite0000000000000000', THIRD_PARTY_SUITE_SECRET, ticket)).errcode,
    ).toBe(40083);
    expect((await suiteToken(THIRD_PARTY_SUITE_ID, CUSTOM_SUITE_SECRET, ticket)).errcode).toBe(
      40080,
    );
    expect(
      (await suiteToken(THIRD_PARTY_SUITE_ID, THIRD_PARTY_SUITE_SECRET, 'NoSuchTicket')).errcode,
    ).toBe(40085);
    // Another suite's ticket is not this suite's.
    expect((await suiteToken(CUSTOM_SUITE_ID, CUSTOM_SUITE_SECRET, ticket)).errcode).toBe(40085);
    const missing = await post('get_suite_token', {}, { suite_id: THIRD_PARTY_SUITE_ID });
    expect(missing).toMatchObject({ errcode: 41024, suite_access_token: '' });
    expect(missing.errmsg).toMatch(/^suite_secret missing, hint: \[\d{25}\]/);
    expect(sim.calls('service/get_suite_token')).toBe(6);

    // The latest two tickets are valid; a third push retires the oldest.
    await provider.pushSuiteTicket(THIRD_PARTY_SUITE_ID);
    expect((await suiteToken(THIRD_PARTY_SUITE_ID, THIRD_PARTY_SUITE_SECRET, ticket)).errcode).toBe(
      0,
    );
    await provider.pushSuiteTicket(THIRD_PARTY_SUITE_ID);
    expect((await suiteToken(THIRD_PARTY_SUITE_ID, THIRD_PARTY_SUITE_SECRET, ticket)).errcode).toBe(
      40085,
    );
  });

  it('authenticates service/* with the suite_access_token only', async () => {
    const token = await tokenOf(THIRD_PARTY_SUITE_ID);
    const preAuth = (query: Record<string, string>) =>
      callWecom(sim, 'service/get_pre_auth_code', query);
    expect(await preAuth({ suite_access_token: token })).toMatchObject({
      errcode: 0,
      pre_auth_code: expect.any(String),
      expires_in: 1200,
    });
    expect((await preAuth({})).errcode).toBe(41022);
    expect((await preAuth({ suite_access_token: 'NotAToken' })).errcode).toBe(40082);
    const corpToken = await callWecom(sim, 'gettoken', {
      corpid: sim.corpId,
      corpsecret: sim.seed.miniprogramApp.secret,
    });
    expect((await preAuth({ suite_access_token: corpToken.access_token })).errcode).toBe(40082);
    expect((await preAuth({ access_token: token })).errcode).toBe(41022);
    // …and a suite_access_token is no access_token.
    expect((await callWecom(sim, 'getcallbackip', { access_token: token })).errcode).toBe(40014);
  });

  it('applies faults, counters and the IP allow-list to service/* as to every API', async () => {
    const token = await tokenOf(THIRD_PARTY_SUITE_ID);
    sim.resetCalls();
    const remove = sim.injectFault({
      api: 'service/get_pre_auth_code',
      kind: 'errcode',
      errcode: -1,
      times: 1,
    });
    const query = { suite_access_token: token };
    expect((await callWecom(sim, 'service/get_pre_auth_code', query)).errcode).toBe(-1);
    expect((await callWecom(sim, 'service/get_pre_auth_code', query)).errcode).toBe(0);
    remove();
    expect(sim.calls('service/get_pre_auth_code')).toBe(2);
    sim.setTrustedIps(['192.0.2.1']);
    try {
      expect((await callWecom(sim, 'service/get_pre_auth_code', query)).errcode).toBe(60020);
      const { code } = await provider.pushSuiteTicket(THIRD_PARTY_SUITE_ID);
      expect((await suiteToken(THIRD_PARTY_SUITE_ID, THIRD_PARTY_SUITE_SECRET, code)).errcode).toBe(
        0,
      );
    } finally {
      sim.setTrustedIps(null);
    }
  });
});

describe('simulator: provider, 代开发 install through the page', () => {
  let permanentCode: string;
  let corpToken: string;

  it('installs through the page: a redirect with auth_code and state, create_auth pushed', async () => {
    const token = await tokenOf(CUSTOM_SUITE_ID);
    const { pre_auth_code: preAuthCode } = await callWecom(sim, 'service/get_pre_auth_code', {
      suite_access_token: token,
    });
    const back = 'http://127.0.0.1:9/provider/installed';
    const url = provider.installUrl(CUSTOM_SUITE_ID, preAuthCode, back, 'st42');
    expect(url.startsWith(`${sim.url}/3rdapp/install?`)).toBe(true);
    const browser = new WebClient();
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('客户助手 (代开发)');
    expect(page.text).toContain('宁波甬江科技有限公司');
    expect(page.text).toContain(`data-corpid="${sim.corpId}"`);
    const link = /data-corpid="ww7c6d5e4f3a2b1c0d" href="([^"]+)"/.exec(page.text)![1]!;
    const approveUrl = `${sim.url}${link.replaceAll('&amp;', '&')}`;

    custom.messages.length = 0;
    const approved = await browser.get(approveUrl);
    expect(approved.status).toBe(302);
    const location = new URL(approved.location!);
    expect(`${location.origin}${location.pathname}`).toBe(back);
    expect(location.searchParams.get('state')).toBe('st42');
    expect(location.searchParams.get('expires_in')).toBe('1200');
    const authCode = location.searchParams.get('auth_code')!;
    expect(authCode).toEqual(expect.any(String));

    const [created] = await eventually(
      async () => custom.ofType('create_auth'),
      (list) => list.length > 0,
    );
    expect(created!.receiveid).toBe(CUSTOM_SUITE_ID);
    expect(created!.message).toMatch(
      new RegExp(
        `^<xml><SuiteId><!\\[CDATA\\[${CUSTOM_SUITE_ID}\\]\\]></SuiteId><AuthCode><!\\[CDATA\\[[^\\]]+\\]\\]></AuthCode><InfoType><!\\[CDATA\\[create_auth\\]\\]></InfoType><TimeStamp>\\d{10}</TimeStamp><State><!\\[CDATA\\[st42\\]\\]></State></xml>$`,
      ),
    );
    expect(xmlField(created!.message, 'AuthCode')).toBe(authCode);
    expect(provider.installed(CUSTOM_SUITE_ID)).toEqual([GROUP_CORP_ID]);

    // The pre_auth_code was used: the same link is an error page, not a redirect.
    const again = await browser.get(approveUrl);
    expect(again.status).toBe(400);
    expect(again.location).toBeUndefined();
    expect(again.text).toContain('40077');
    const unknown = await browser.get(
      provider.installUrl(CUSTOM_SUITE_ID, 'NoSuchPreAuthCode', back, 'st42'),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('预授权码无效');

    const answer = await post(
      'get_permanent_code',
      { suite_access_token: token },
      { auth_code: authCode },
    );
    expect(answer).toMatchObject({
      errcode: 0,
      expires_in: 7200,
      permanent_code: expect.any(String),
      access_token: expect.any(String),
      auth_corp_info: {
        corpid: GROUP_CORP_ID,
        corp_name: '宁波甬江科技有限公司',
        corp_type: 'verified',
      },
      auth_info: {
        agent: [
          {
            name: '客户助手 (代开发)',
            is_customized_app: true,
            privilege: { level: 1, allow_party: [1] },
          },
        ],
      },
      auth_user_info: { userid: expect.any(String), open_userid: expect.stringMatching(/^wo/) },
    });
    permanentCode = answer.permanent_code;
    // An auth_code is single use.
    expect(
      (await post('get_permanent_code', { suite_access_token: token }, { auth_code: authCode }))
        .errcode,
    ).toBe(40078);
  });

  it("takes the permanent code as the corp's app secret at gettoken (B's data only)", async () => {
    const answer = await callWecom(sim, 'gettoken', {
      corpid: GROUP_CORP_ID,
      corpsecret: permanentCode,
    });
    expect(answer.errcode).toBe(0);
    corpToken = answer.access_token;
    const list = await callWecom(sim, 'externalcontact/list', {
      access_token: corpToken,
      userid: SHARED_USERID,
    });
    expect(list.external_userid).toEqual([groupCustomerId(1), groupCustomerId(2)]);
    // The whole corp is visible, and the app may log employees in.
    expect(
      (await callWecom(sim, 'user/get', { access_token: corpToken, userid: 'zhoujie' })).name,
    ).toBe('周杰');
    const login = await callWecom(sim, 'miniprogram/jscode2session', {
      access_token: corpToken,
      js_code: sim.corp(GROUP_CORP_ID).issueLoginCode('wangfang'),
      grant_type: 'authorization_code',
    });
    expect(login).toMatchObject({ errcode: 0, corpid: GROUP_CORP_ID, userid: 'wangfang' });
    // It is B's secret: at A it is another corp's.
    expect(
      (await callWecom(sim, 'gettoken', { corpid: sim.corpId, corpsecret: permanentCode })).errcode,
    ).toBe(40091);
  });

  it('pushes change_auth, and cancel_auth revokes the secret and its tokens', async () => {
    custom.messages.length = 0;
    expect(await provider.changeAuth(CUSTOM_SUITE_ID, GROUP_CORP_ID)).toMatchObject({
      delivered: true,
      event: 'change_auth',
    });
    expect(custom.messages[0]!.message).toMatch(
      new RegExp(
        `^<xml><SuiteId><!\\[CDATA\\[${CUSTOM_SUITE_ID}\\]\\]></SuiteId><InfoType><!\\[CDATA\\[change_auth\\]\\]></InfoType><TimeStamp>\\d{10}</TimeStamp><AuthCorpId><!\\[CDATA\\[${GROUP_CORP_ID}\\]\\]></AuthCorpId><State><!\\[CDATA\\[\\]\\]></State></xml>$`,
      ),
    );

    expect(await provider.cancelAuth(CUSTOM_SUITE_ID, GROUP_CORP_ID)).toMatchObject({
      delivered: true,
      event: 'cancel_auth',
    });
    const cancelled = custom.ofType('cancel_auth')[0]!;
    expect(xmlField(cancelled.message, 'AuthCorpId')).toBe(GROUP_CORP_ID);
    expect(cancelled.receiveid).toBe(CUSTOM_SUITE_ID);
    expect(provider.installed(CUSTOM_SUITE_ID)).toEqual([]);
    expect(
      (await callWecom(sim, 'gettoken', { corpid: GROUP_CORP_ID, corpsecret: permanentCode }))
        .errcode,
    ).toBe(40001);
    expect(
      (
        await callWecom(sim, 'externalcontact/list', {
          access_token: corpToken,
          userid: SHARED_USERID,
        })
      ).errcode,
    ).toBe(40014);
    const token = await tokenOf(CUSTOM_SUITE_ID);
    expect(
      (
        await post(
          'get_auth_info',
          { suite_access_token: token },
          { auth_corpid: GROUP_CORP_ID, permanent_code: permanentCode },
        )
      ).errcode,
    ).toBe(40084);
    await expect(provider.cancelAuth(CUSTOM_SUITE_ID, GROUP_CORP_ID)).rejects.toThrow(
      /not installed/,
    );
  });
});

describe('simulator: provider, third-party app', () => {
  let token: string;
  let permanentCode: string;

  const corpToken = (code: string) =>
    post(
      'get_corp_token',
      { suite_access_token: token },
      { auth_corpid: sim.corpId, permanent_code: code },
    );

  beforeAll(async () => {
    token = await tokenOf(THIRD_PARTY_SUITE_ID);
  });

  it('installs by the control call: create_auth with the auth code, then a permanent code', async () => {
    third.messages.length = 0;
    const { code, delivery } = await provider.install(THIRD_PARTY_SUITE_ID, sim.corpId, {
      state: 's3',
    });
    expect(delivery).toMatchObject({ delivered: true, event: 'create_auth' });
    const [created] = third.ofType('create_auth');
    expect(xmlField(created!.message, 'AuthCode')).toBe(code);
    expect(xmlField(created!.message, 'State')).toBe('s3');
    const answer = await post(
      'get_permanent_code',
      { suite_access_token: token },
      { auth_code: code },
    );
    expect(answer).toMatchObject({
      errcode: 0,
      auth_corp_info: { corpid: sim.corpId, corp_name: sim.seed.corpName },
      auth_info: { agent: [{ name: '客户助手 (第三方)', is_customized_app: false }] },
    });
    permanentCode = answer.permanent_code;
    // A third-party app's permanent code is no secret of the corp.
    expect(
      (await callWecom(sim, 'gettoken', { corpid: sim.corpId, corpsecret: permanentCode })).errcode,
    ).toBe(40001);
  });

  it("gives the corp's token by get_corp_token, which reads that corp's customers", async () => {
    const answer = await corpToken(permanentCode);
    expect(answer).toMatchObject({
      errcode: 0,
      expires_in: 7200,
      access_token: expect.any(String),
    });
    const list = await callWecom(sim, 'externalcontact/list', {
      access_token: answer.access_token,
      userid: SHARED_USERID,
    });
    expect(list.external_userid).toHaveLength(28);
    expect(list.external_userid[0]).toBe(customerId(1));
    expect((await corpToken('NotAPermanentCode')).errcode).toBe(40084);
    const info = await post(
      'get_auth_info',
      { suite_access_token: token },
      { auth_corpid: sim.corpId, permanent_code: permanentCode },
    );
    expect(info).toMatchObject({ errcode: 0, auth_corp_info: { corpid: sim.corpId } });
    // The custom template's token does not speak for the third-party suite.
    const customToken = await tokenOf(CUSTOM_SUITE_ID);
    expect(
      (
        await post(
          'get_corp_token',
          { suite_access_token: customToken },
          { auth_corpid: sim.corpId, permanent_code: permanentCode },
        )
      ).errcode,
    ).toBe(40084);
  });

  it('logs employees in by service/miniprogram/jscode2session with corpid and open_userid', async () => {
    const login = (jsCode: string, suiteAccessToken = token) =>
      callWecom(sim, 'service/miniprogram/jscode2session', {
        suite_access_token: suiteAccessToken,
        js_code: jsCode,
        grant_type: 'authorization_code',
      });
    const first = await login(sim.issueLoginCode('lisi'));
    expect(first).toMatchObject({ errcode: 0, corpid: sim.corpId, userid: 'lisi' });
    expect(first.open_userid).toMatch(/^wo[A-Za-z0-9_-]{30}$/);
    expect(sim.lastSessionKey('lisi')).toBe(first.session_key);
    expect((await login(sim.issueLoginCode('lisi'))).open_userid).toBe(first.open_userid);
    expect((await login(sim.issueLoginCode('wangwu'))).open_userid).not.toBe(first.open_userid);

    // B has not installed the suite: its corpid, an encrypted userid and an open_userid.
    const foreign = await login(sim.corp(GROUP_CORP_ID).issueLoginCode(SHARED_USERID));
    expect(foreign).toMatchObject({ errcode: 0, corpid: GROUP_CORP_ID });
    expect(foreign.userid).toMatch(/^wo/);
    expect(foreign.userid).not.toBe(SHARED_USERID);
    expect(foreign.open_userid).toMatch(/^wo/);
    expect(foreign.open_userid).not.toBe(foreign.userid);

    expect((await login('NoSuchCode')).errcode).toBe(40029);
    const customToken = await tokenOf(CUSTOM_SUITE_ID);
    expect((await login(sim.issueLoginCode('lisi'), customToken)).errcode).toBe(40082);
  });

  it('answers the provider_access_token and the app’s interface licences (license/*)', async () => {
    const providerToken = async (body: Record<string, string>) =>
      post('get_provider_token', {}, body);
    const made = await providerToken({
      corpid: PROVIDER_CORP_ID,
      provider_secret: PROVIDER_SECRET,
    });
    expect(made).toMatchObject({ errcode: 0, expires_in: 7200 });
    // An app's secret is no ProviderSecret; WeCom says so as for any wrong credential.
    expect(
      await providerToken({ corpid: PROVIDER_CORP_ID, provider_secret: THIRD_PARTY_SUITE_SECRET }),
    ).toMatchObject({ errcode: 40001, provider_access_token: '' });
    expect((await providerToken({ provider_secret: PROVIDER_SECRET })).errcode).toBe(41002);
    const licence = (query: Record<string, string>, corpid = sim.corpId) =>
      callWecom(sim, 'license/get_app_license_info', query, {
        corpid,
        suite_id: THIRD_PARTY_SUITE_ID,
      });
    const asProvider = { provider_access_token: made.provider_access_token };
    // A new install: checked, with a 90-day trial from now (WeCom's seconds).
    const fresh = await licence(asProvider);
    expect(fresh).toMatchObject({ errcode: 0, license_status: 1 });
    expect(fresh.trail_info.end_time - fresh.trail_info.start_time).toBe(90 * 24 * 60 * 60);
    // Only with the provider_access_token, and only where the suite is installed.
    expect((await licence({ suite_access_token: token })).errcode).toBe(41022);
    expect((await licence({ provider_access_token: token })).errcode).toBe(40082);
    expect((await licence(asProvider, 'wwnotinstalled0000')).errcode).toBe(40084);
    provider.setLicence(THIRD_PARTY_SUITE_ID, sim.corpId, { checked: false });
    const unchecked = await licence(asProvider);
    expect(unchecked).toMatchObject({ errcode: 0, license_status: 0 });
    expect(unchecked.trail_info).toBeUndefined();

    const accounts = (cursor?: string) =>
      callWecom(sim, 'license/list_actived_account', asProvider, {
        corpid: sim.corpId,
        limit: 1,
        ...(cursor && { cursor }),
      });
    expect(await accounts()).toMatchObject({ errcode: 0, has_more: 0, account_list: [] });
    provider.activateLicence(sim.corpId, 'zhangsan', 2, 365);
    provider.activateLicence(sim.corpId, 'lisi', 1, 30);
    const first = await accounts();
    expect(first).toMatchObject({ has_more: 1, account_list: [{ userid: 'zhangsan', type: 2 }] });
    const second = await accounts(first.next_cursor);
    expect(second).toMatchObject({
      has_more: 0,
      next_cursor: '',
      account_list: [{ userid: 'lisi', type: 1 }],
    });
    const [lisi] = second.account_list;
    expect(lisi.expire_time - lisi.active_time).toBe(30 * 24 * 60 * 60);
    expect(sim.issuedSecrets()).toEqual(
      expect.arrayContaining([PROVIDER_SECRET, made.provider_access_token]),
    );
  });

  it('resets the permanent code: the old one stops working, the pushed auth code gives a new one', async () => {
    third.messages.length = 0;
    const { code, delivery } = await provider.resetPermanentCode(THIRD_PARTY_SUITE_ID, sim.corpId);
    expect(delivery).toMatchObject({ delivered: true, event: 'reset_permanent_code' });
    expect(third.messages[0]!.message).toMatch(
      new RegExp(
        `^<xml><SuiteId><!\\[CDATA\\[${THIRD_PARTY_SUITE_ID}\\]\\]></SuiteId><AuthCode><!\\[CDATA\\[${code}\\]\\]></AuthCode><InfoType><!\\[CDATA\\[reset_permanent_code\\]\\]></InfoType><TimeStamp>\\d{10}</TimeStamp><AuthCorpId><!\\[CDATA\\[${sim.corpId}\\]\\]></AuthCorpId></xml>$`,
      ),
    );
    expect((await corpToken(permanentCode)).errcode).toBe(40084);
    const answer = await post(
      'get_permanent_code',
      { suite_access_token: token },
      { auth_code: code },
    );
    expect(answer.errcode).toBe(0);
    expect(answer.permanent_code).not.toBe(permanentCode);
    permanentCode = answer.permanent_code;
    expect((await corpToken(permanentCode)).errcode).toBe(0);
  });

  it('cancel_auth ends the permanent code and the tokens of the app', async () => {
    const { access_token: accessToken } = await corpToken(permanentCode);
    await provider.cancelAuth(THIRD_PARTY_SUITE_ID, sim.corpId);
    expect(third.ofType('cancel_auth')).toHaveLength(1);
    expect((await corpToken(permanentCode)).errcode).toBe(40084);
    expect(
      (
        await callWecom(sim, 'externalcontact/list', {
          access_token: accessToken,
          userid: SHARED_USERID,
        })
      ).errcode,
    ).toBe(40014);
    // Uninstalled: the userid of a login is encrypted again.
    const login = await callWecom(sim, 'service/miniprogram/jscode2session', {
      suite_access_token: token,
      js_code: sim.issueLoginCode('lisi'),
      grant_type: 'authorization_code',
    });
    expect(login.userid).toMatch(/^wo/);
  });

  it('counts suite secrets, tickets, suite tokens and permanent codes as issued secrets', async () => {
    const { code: ticket } = await provider.pushSuiteTicket(THIRD_PARTY_SUITE_ID);
    const issued = sim.issuedSecrets();
    for (const secret of [
      THIRD_PARTY_SUITE_SECRET,
      CUSTOM_SUITE_SECRET,
      ticket,
      token,
      permanentCode,
    ])
      expect(issued).toContain(secret);
  });
});

describe('simulator: provider, lifetimes', () => {
  it('expires tickets after 30 minutes and suite tokens after 7200 s (42009)', async () => {
    const { code: ticket } = await provider.pushSuiteTicket(CUSTOM_SUITE_ID);
    const token = await tokenOf(CUSTOM_SUITE_ID);
    offsetMs += 31 * 60 * 1000;
    expect((await suiteToken(CUSTOM_SUITE_ID, CUSTOM_SUITE_SECRET, ticket)).errcode).toBe(40085);
    offsetMs += 7200 * 1000;
    expect(
      (await callWecom(sim, 'service/get_pre_auth_code', { suite_access_token: token })).errcode,
    ).toBe(42009);
  });

  it('plays the suites it was given, and no provider unless asked', async () => {
    expect(provider.suites).toBe(suites);
    expect(suites.map((s) => [s.suiteId, s.kind, s.name])).toEqual([
      [THIRD_PARTY_SUITE_ID, 'third-party', '客户助手 (第三方)'],
      [CUSTOM_SUITE_ID, 'custom', '客户助手 (代开发)'],
    ]);
    const plain = await startTestSimulator();
    expect(plain.provider).toBeUndefined();
    expect((await callWecom(plain, 'service/get_suite_token', {}, {})).errcode).toBe(-1);
    expect(
      (await fetch(`${plain.url}/3rdapp/install?suite_id=${THIRD_PARTY_SUITE_ID}`)).status,
    ).toBe(404);
  });
});
