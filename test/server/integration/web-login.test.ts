import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { CHROME_UA, pickLink, WECOM_UA, WebClient, webLogin } from '../../helpers/web-client';

// The web login over real HTTP: gateway → the simulator's WeCom pages → the callback, with a
// cookie jar per simulated browser.

const SESSION = 'wecom-gate-session';
const LOGIN = 'wecom-gate-login';
const ADMIN_TOKEN = 'admin-token-for-web-login-tests';

let simulator: Simulator;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({
    simulator,
    web: true,
    env: { ADMIN_USERIDS: 'lisi', ADMIN_TOKEN },
  });
});
afterAll(() => gateway.close());
beforeEach(() => simulator.resetCalls());

const origin = () => gateway.url;
const sameOrigin = () => ({ origin: gateway.url });

describe('GET /auth/wecom/login', () => {
  test('outside WeCom: 302 to the QR login page (CorpApp, corp ID, AgentId), the state bound by a cookie', async () => {
    const browser = new WebClient(CHROME_UA);
    const start = await browser.get(`${origin()}/auth/wecom/login?returnTo=/admin/`);
    expect(start.status).toBe(302);
    const location = new URL(start.location!);
    expect(`${location.origin}${location.pathname}`).toBe(`${simulator.url}/wwlogin/sso/login`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      login_type: 'CorpApp',
      appid: simulator.corpId,
      agentid: simulator.seed.miniprogramApp.agentid,
      redirect_uri: `${gateway.url}/auth/wecom/callback`,
      state: expect.stringMatching(/^[0-9a-f]{64}$/),
      lang: 'zh',
    });
    const cookie = start.setCookies.find((line) => line.startsWith(`${LOGIN}=`));
    expect(cookie).toMatch(/; path=\//);
    expect(cookie).toMatch(/; httponly/i);
    expect(cookie).toMatch(/; samesite=lax/i);
    expect(cookie).not.toMatch(/; secure/i);
    expect(cookie).toMatch(/; expires=/i);
    // Two logins started in one browser share the binding (two tabs may both finish).
    const again = await browser.get(`${origin()}/auth/wecom/login`);
    expect(again.setCookies.find((l) => l.startsWith(`${LOGIN}=`))).toContain(
      browser.cookie(origin(), LOGIN),
    );
    expect(new URL(again.location!).searchParams.get('state')).not.toBe(
      location.searchParams.get('state'),
    );
  });

  test('inside WeCom (user agent with wxwork): 302 to OAuth2 authorize with snsapi_base', async () => {
    const browser = new WebClient(WECOM_UA);
    const start = await browser.get(`${origin()}/auth/wecom/login?returnTo=/admin/`);
    expect(start.status).toBe(302);
    const location = new URL(start.location!);
    expect(`${location.origin}${location.pathname}`).toBe(
      `${simulator.url}/connect/oauth2/authorize`,
    );
    expect(location.hash).toBe('#wechat_redirect');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      appid: simulator.corpId,
      redirect_uri: `${gateway.url}/auth/wecom/callback`,
      response_type: 'code',
      scope: 'snsapi_base',
      state: expect.stringMatching(/^[0-9a-f]{64}$/),
      agentid: simulator.seed.miniprogramApp.agentid,
    });
  });

  test.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'https:evil.example',
    '/\t/evil.example',
    'admin/',
  ])(
    'a returnTo off this server (%j) is refused with 400 before anything is stored',
    async (returnTo) => {
      const browser = new WebClient();
      const answer = await browser.get(
        `${origin()}/auth/wecom/login?${new URLSearchParams({ returnTo })}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.location).toBeUndefined();
      expect(answer.setCookies).toEqual([]);
      expect(answer.headers.get('content-type')).toMatch(/text\/html/);
      expect(answer.text).toContain('data-code="guard.invalid_input"');
    },
  );
});

describe('the whole login', () => {
  test('QR login as an admin: the session cookie (HttpOnly, Lax, 8 h), back to returnTo, admin API with the cookie', async () => {
    const browser = new WebClient(CHROME_UA);
    const { page, callback } = await webLogin(
      browser,
      origin(),
      { userid: 'lisi' },
      '/admin/?tab=1#names',
    );
    expect(page.text).toContain('企业微信扫码登录');
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${gateway.url}/admin/?tab=1#names`);
    const cookie = callback.setCookies.find((line) => line.startsWith(`${SESSION}=`))!;
    expect(cookie).toMatch(/; path=\//);
    expect(cookie).toMatch(/; httponly/i);
    expect(cookie).toMatch(/; samesite=lax/i);
    expect(cookie).not.toMatch(/; secure/i);
    const expires = Date.parse(/expires=([^;]+)/i.exec(cookie)![1]!);
    expect(Math.abs(expires - (Date.now() + 28_800_000))).toBeLessThan(5000);
    expect(simulator.calls('auth/getuserinfo')).toBe(1);

    const me = await browser.get(`${origin()}/api/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text).user).toEqual({
      userid: 'lisi',
      corpid: simulator.corpId,
      name: '李四',
    });
    const report = await browser.get(`${origin()}/api/admin/diagnostics`);
    expect(report.status).toBe(200);
    const names = await browser.request('POST', `${origin()}/api/admin/names`, {
      headers: sameOrigin(),
      body: { ids: [{ type: 'user', id: 'zhangsan' }] },
    });
    expect(names.status).toBe(200);
    expect(JSON.parse(names.text).names[0].name).toBe('张三');
  });

  test('OAuth2 inside WeCom as an employee: same session, no admin rights, the refusal page', async () => {
    const browser = new WebClient(WECOM_UA);
    const { page, callback } = await webLogin(browser, origin(), { userid: 'zhangsan' });
    expect(page.text).toContain('企业微信网页授权');
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${gateway.url}/admin/`);
    expect((await browser.get(`${origin()}/api/me`)).status).toBe(200);
    const admin = await browser.get(`${origin()}/api/admin/diagnostics`);
    expect(admin.status).toBe(403);
    expect(errorBody(JSON.parse(admin.text)).code).toBe('auth.forbidden');
    const consolePage = await browser.get(`${origin()}/admin/`);
    expect(consolePage.status).toBe(403);
    expect(consolePage.text).toContain('无权访问管理后台');
    expect(consolePage.text).toContain('zhangsan');
  });

  test('a replayed callback is auth.invalid_state and the code is not exchanged again', async () => {
    const browser = new WebClient();
    const { approve, callback } = await webLogin(browser, origin(), { userid: 'lisi' });
    expect(callback.status).toBe(302);
    const replay = await browser.get(approve.location!);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('data-code="auth.invalid_state"');
    expect(replay.setCookies).toEqual([]);
    expect(simulator.calls('auth/getuserinfo')).toBe(1);
  });

  test('a state started in another browser is refused there and still works in its own', async () => {
    const victim = new WebClient();
    const start = await victim.get(`${origin()}/auth/wecom/login`);
    const page = await victim.get(start.location!);
    const link = /data-userid="lisi" href="([^"]+)"/.exec(page.text)![1]!.replaceAll('&amp;', '&');
    const approve = await victim.get(new URL(link, start.location).toString());

    const attacker = new WebClient();
    await attacker.get(`${origin()}/auth/wecom/login`); // a login cookie of its own
    const stolen = await attacker.get(approve.location!);
    expect(stolen.status).toBe(400);
    expect(stolen.text).toContain('data-code="auth.invalid_state"');
    expect(stolen.setCookies.some((l) => l.startsWith(`${SESSION}=`))).toBe(false);
    const noCookie = await new WebClient().get(approve.location!);
    expect(noCookie.status).toBe(400);
    expect(simulator.calls('auth/getuserinfo')).toBe(0);

    const own = await victim.get(approve.location!);
    expect(own.status).toBe(302);
    expect(victim.cookie(origin(), SESSION)).toBeDefined();
  });

  test('a state that is unknown, missing or malformed is auth.invalid_state', async () => {
    const browser = new WebClient();
    await browser.get(`${origin()}/auth/wecom/login`);
    for (const query of ['code=x', `code=x&state=${'a'.repeat(64)}`, 'code=x&state=ABC']) {
      const answer = await browser.get(`${origin()}/auth/wecom/callback?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('data-code="auth.invalid_state"');
    }
  });

  test('someone outside the corp (WeCom answers an openid) is auth.not_member: no session', async () => {
    const browser = new WebClient();
    const { callback } = await webLogin(browser, origin(), 'outsider');
    expect(callback.status).toBe(403);
    expect(callback.text).toContain('data-code="auth.not_member"');
    expect(callback.text).toContain('不是本企业的成员');
    expect(browser.cookie(origin(), SESSION)).toBeUndefined();
  });

  test('a refusal on WeCom’s page (no code) is auth.invalid_code', async () => {
    const browser = new WebClient();
    const { callback } = await webLogin(browser, origin(), 'cancel');
    expect(callback.status).toBe(401);
    expect(callback.text).toContain('data-code="auth.invalid_code"');
    expect(simulator.calls('auth/getuserinfo')).toBe(0);
  });
});

describe('logout, CSRF and who the cookie is', () => {
  test('logout: 204, the cookie cleared; the old cookie is 401 afterwards', async () => {
    const browser = new WebClient();
    await webLogin(browser, origin(), { userid: 'lisi' });
    const old = browser.cookie(origin(), SESSION)!;
    const out = await browser.request('POST', `${origin()}/auth/logout`, {
      headers: sameOrigin(),
    });
    expect(out.status).toBe(204);
    expect(out.setCookies.find((l) => l.startsWith(`${SESSION}=`))).toMatch(
      /expires=Thu, 01 Jan 1970/,
    );
    browser.setCookie(origin(), SESSION, old);
    const admin = await browser.get(`${origin()}/api/admin/diagnostics`);
    expect(admin.status).toBe(401);
    expect(errorBody(JSON.parse(admin.text)).code).toBe('auth.session_expired');
    expect((await browser.get(`${origin()}/api/me`)).status).toBe(401);
    // The admin console sends the browser to its sign-in page again (ADMIN_TOKEN is set here).
    const consolePage = await browser.get(`${origin()}/admin/`);
    expect(consolePage.status).toBe(302);
    expect(consolePage.location).toBe(`${gateway.url}/admin/login?returnTo=%2Fadmin%2F`);
  });

  test('a cookie-authenticated change without this server’s Origin is 403 (logout included); a bearer one needs none', async () => {
    const browser = new WebClient();
    await webLogin(browser, origin(), { userid: 'lisi' });
    const origins: Record<string, string>[] = [
      {},
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of origins) {
      const logout = await browser.request('POST', `${origin()}/auth/logout`, { headers });
      expect(logout.status).toBe(403);
      expect(errorBody(JSON.parse(logout.text)).code).toBe('auth.forbidden');
      const names = await browser.request('POST', `${origin()}/api/admin/names`, {
        headers,
        body: { ids: [{ type: 'user', id: 'zhangsan' }] },
      });
      expect(names.status).toBe(403);
      const session = await browser.request('DELETE', `${origin()}/api/sessions/current`, {
        headers,
      });
      expect(session.status).toBe(403);
    }
    // Nothing was ended by the refused requests; reads need no Origin.
    expect((await browser.get(`${origin()}/api/admin/diagnostics`)).status).toBe(200);
    const bearer = await gateway.request('POST', '/api/admin/names', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { ids: [{ type: 'user', id: 'zhangsan' }] },
    });
    expect(bearer.status).toBe(200);
    const token = await gateway.login('zhangsan');
    expect((await gateway.request('DELETE', '/api/sessions/current', { token })).status).toBe(204);
  });

  test('logout without a session cookie is 401', async () => {
    const answer = await new WebClient().request('POST', `${origin()}/auth/logout`, {
      headers: sameOrigin(),
    });
    expect(answer.status).toBe(401);
  });

  test('web sessions are indexed per employee: endAll(userid) ends them with the mini-program ones', async () => {
    const browser = new WebClient();
    await webLogin(browser, origin(), { userid: 'wangwu' });
    const token = await gateway.login('wangwu');
    expect(await gateway.deps.auth.sessions.endAll('wangwu')).toBe(2);
    expect((await browser.get(`${origin()}/api/me`)).status).toBe(401);
    expect((await gateway.request('GET', '/api/me', { token })).status).toBe(401);
  });

  test('a web cookie is no bearer token and a mini-program token no cookie; a web session cannot decrypt', async () => {
    const browser = new WebClient();
    await webLogin(browser, origin(), { userid: 'lisi' });
    const webToken = browser.cookie(origin(), SESSION)!;
    const asBearer = await gateway.request('GET', '/api/me', { token: webToken });
    expect(asBearer.status).toBe(401);
    const miniToken = await gateway.login('lisi');
    const other = new WebClient();
    other.setCookie(origin(), SESSION, miniToken);
    expect((await other.get(`${origin()}/api/me`)).status).toBe(401);
    const decrypt = await browser.request('POST', `${origin()}/api/me/decrypt`, {
      headers: sameOrigin(),
      body: { encryptedData: `${'A'.repeat(43)}=`, iv: `${'A'.repeat(22)}==` },
    });
    expect(decrypt.status).toBe(403);
    expect(errorBody(JSON.parse(decrypt.text))).toMatchObject({
      code: 'auth.forbidden',
      message: expect.stringContaining('mini-program session'),
    });
  });
});

describe('with an https PUBLIC_BASE_URL', () => {
  let secure: TestGateway;
  beforeAll(async () => {
    secure = await startTestGateway({
      simulator,
      env: {
        PUBLIC_BASE_URL: 'https://gate.example.com',
        WECOM_APP_AGENT_ID: simulator.seed.miniprogramApp.agentid,
      },
    });
  });
  afterAll(() => secure.close());

  test('cookies are Secure with the __Host- prefix and the redirect_uri is the public one', async () => {
    const browser = new WebClient();
    const start = await browser.get(`${secure.url}/auth/wecom/login`);
    expect(start.status).toBe(302);
    expect(new URL(start.location!).searchParams.get('redirect_uri')).toBe(
      'https://gate.example.com/auth/wecom/callback',
    );
    const cookie = start.setCookies.find((l) => l.startsWith('__Host-wecom-gate-login='));
    expect(cookie).toMatch(/; secure/i);
    expect(cookie).toMatch(/; path=\//);
    expect(cookie).not.toMatch(/domain=/i);
  });
});

describe('without PUBLIC_BASE_URL', () => {
  test('there is no web login, console or signature route', async () => {
    const plain = await startTestGateway({ simulator });
    try {
      for (const path of ['/auth/wecom/login', '/admin/', '/api/jssdk/signature?url=x']) {
        const answer = await plain.request('GET', path);
        expect(answer.status).toBe(404);
      }
    } finally {
      await plain.close();
    }
  });
});

describe('limits', () => {
  test('logins started per minute are limited across the cluster; failed callbacks per client IP', async () => {
    const limited = await startTestGateway({
      simulator,
      web: true,
      env: { RATE_LIMIT_LOGIN_EXCHANGES_PER_MINUTE: '3', RATE_LIMIT_LOGIN_PER_MINUTE: '2' },
    });
    try {
      const browser = new WebClient();
      const starts = [];
      for (let i = 0; i < 4; i += 1)
        starts.push(await browser.get(`${limited.url}/auth/wecom/login`));
      expect(starts.map((a) => a.status)).toEqual([302, 302, 302, 429]);
      expect(Number(starts[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(starts[3]!.text).toContain('data-code="request.rate_limited"');

      const bad = `${limited.url}/auth/wecom/callback?code=x&state=${'b'.repeat(64)}`;
      const failures = [];
      for (let i = 0; i < 3; i += 1) failures.push((await browser.get(bad)).status);
      expect(failures).toEqual([400, 400, 429]);
    } finally {
      await limited.close();
    }
  });

  test('an office at nine: 300 browsers behind one NAT sign in at once with the default limits', async () => {
    // WeCom's side answers after 20 ms and refuses (45033) more than 20 concurrent calls of one
    // API: no more than RATE_LIMIT_LOGIN_PER_MINUTE code exchanges of the IP run at once.
    const office = await startTestSimulator({ latencyMs: 20, maxConcurrencyPerApi: 20 });
    const officeGateway = await startTestGateway({
      simulator: office,
      web: true,
      env: { RATE_LIMIT_LOGIN_PER_MINUTE: '20' },
    });
    try {
      const users = office.demoEmployees().map((employee) => employee.userid);
      // Every browser starts its login within the minute (the cluster-wide limit of logins
      // started lets an office through) and picks itself on WeCom's page...
      const browsers: { browser: WebClient; callback: string }[] = [];
      for (let batch = 0; batch < 300; batch += 50) {
        const started = await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            const browser = new WebClient(CHROME_UA);
            const start = await browser.get(`${officeGateway.url}/auth/wecom/login`);
            expect(start.status).toBe(302);
            const page = await browser.get(start.location!);
            const userid = users[(batch + i) % users.length]!;
            const approve = await browser.get(
              new URL(pickLink(page, { userid }), start.location).toString(),
            );
            return { browser, callback: approve.location! };
          }),
        );
        browsers.push(...started);
      }
      // ...then all come back to the callback at once.
      const callbacks = await Promise.all(
        browsers.map(({ browser, callback }) => browser.get(callback)),
      );
      expect(callbacks.map((answer) => answer.status)).toEqual(Array(300).fill(302));
      expect(office.calls('auth/getuserinfo')).toBe(300);
    } finally {
      await officeGateway.close();
    }
  }, 60_000);
});
