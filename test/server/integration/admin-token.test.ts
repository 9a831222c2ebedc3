import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { registerSecret } from '../../helpers/leak-check';
import { startTestSimulator } from '../../helpers/simulator';
import { capturingLogger, createTestRedisStore, uniquePrefix } from '../../helpers/stores';
import { type WebAnswer, WebClient, webLogin } from '../../helpers/web-client';

// The admin console's sign-in with ADMIN_TOKEN over real HTTP: the sign-in page, the form POST
// (same origin, a bounded urlencoded body), the failed-login limit of the client IP, the token
// admin's web session, and the web login's error page when WeCom refuses.

const SESSION = 'wecom-gate-session';
const ADMIN_TOKEN = 'console-admin-token-0123456789';
registerSecret(ADMIN_TOKEN);

let simulator: Simulator;
let gateway: TestGateway;
let logs: string[];

beforeAll(async () => {
  simulator = await startTestSimulator();
  const captured = capturingLogger('info');
  logs = captured.lines;
  gateway = await startTestGateway({
    simulator,
    web: true,
    logger: captured.logger,
    env: { ADMIN_USERIDS: 'lisi', ADMIN_TOKEN },
  });
});
afterAll(() => gateway.close());

/** The sign-in form as a browser posts it from this server's page. */
function postForm(
  browser: WebClient,
  base: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { origin: new URL(base).origin },
): Promise<WebAnswer> {
  return browser.request('POST', `${base}/auth/admin-token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    rawBody: new URLSearchParams(fields).toString(),
  });
}

describe('the sign-in page', () => {
  test('/admin/ without a session goes to the sign-in page, which offers WeCom and the ADMIN_TOKEN form', async () => {
    const browser = new WebClient();
    const entry = await browser.get(`${gateway.url}/admin/`);
    expect(entry.status).toBe(302);
    expect(entry.location).toBe(`${gateway.url}/admin/login?returnTo=%2Fadmin%2F`);
    const page = await browser.get(entry.location!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('data-page="sign-in"');
    expect(page.text).toContain(
      'data-action="wecom-login" href="/auth/wecom/login?returnTo=%2Fadmin%2F"',
    );
    expect(page.text).toContain('<form class="sign-in" method="post" action="/auth/admin-token"');
    expect(page.text).toContain('<input type="hidden" name="returnTo" value="/admin/">');
    expect(page.text).toContain('name="token" type="password"');
    // Same-origin referrers, so that the form's POST carries this origin (not `null`).
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
  });

  test('a returnTo off this server is refused before anything else', async () => {
    const answer = await new WebClient().get(
      `${gateway.url}/admin/login?returnTo=${encodeURIComponent('//evil.example/')}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('data-code="guard.invalid_input"');
  });
});

describe('POST /auth/admin-token', () => {
  test('the right token: a web session of the token admin, 303 to returnTo, the console and the admin API open', async () => {
    const browser = new WebClient();
    const signedIn = await postForm(browser, gateway.url, {
      token: ADMIN_TOKEN,
      returnTo: '/admin/#doctor',
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe(`${gateway.url}/admin/#doctor`);
    const cookie = signedIn.setCookies.find((line) => line.startsWith(`${SESSION}=`))!;
    expect(cookie).toMatch(/; path=\//);
    expect(cookie).toMatch(/; httponly/i);
    expect(cookie).toMatch(/; samesite=lax/i);

    const consolePage = await browser.get(`${gateway.url}/admin/`);
    expect(consolePage.status).toBe(200);
    expect(consolePage.text).toContain('data-userid="ADMIN_TOKEN 管理员"');
    const report = await browser.get(`${gateway.url}/api/admin/diagnostics`);
    expect(report.status).toBe(200);
    const sync = await browser.request('POST', `${gateway.url}/api/admin/names`, {
      headers: { origin: gateway.url },
      body: { ids: [{ type: 'user', id: 'zhangsan' }] },
    });
    expect(sync.status).toBe(200);

    // No employee: the employee routes refuse it rather than ask WeCom about "(admin-token)".
    const me = await browser.get(`${gateway.url}/api/me`);
    expect(me.status).toBe(403);
    expect(errorBody(JSON.parse(me.text)).message).toContain('ADMIN_TOKEN');
    expect((await browser.get(`${gateway.url}/api/external-contacts`)).status).toBe(403);

    // Logged as the token admin, never with the token.
    const created = logs.filter((line) => line.includes('web session of the token admin created'));
    expect(created).toHaveLength(1);
    expect(JSON.parse(created[0]!)).toMatchObject({ userid: '(admin-token)' });
    expect(logs.some((line) => line.includes(ADMIN_TOKEN))).toBe(false);

    // Logout ends it like any web session.
    const out = await browser.request('POST', `${gateway.url}/auth/logout`, {
      headers: { origin: gateway.url },
    });
    expect(out.status).toBe(204);
    expect((await browser.get(`${gateway.url}/api/admin/diagnostics`)).status).toBe(401);
  });

  test('a wrong token: 401 page, logged without the token, no session', async () => {
    const browser = new WebClient();
    const answer = await postForm(browser, gateway.url, { token: `${ADMIN_TOKEN}x` });
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('data-code="auth.unauthenticated"');
    expect(answer.text).toContain('ADMIN_TOKEN 不正确');
    expect(answer.setCookies).toEqual([]);
    expect(logs.some((line) => line.includes('ADMIN_TOKEN sign-in refused'))).toBe(true);
    expect(logs.some((line) => line.includes(`${ADMIN_TOKEN}x`))).toBe(false);
  });

  test('without this server’s Origin it is 403; other bodies are refused', async () => {
    const browser = new WebClient();
    const origins: Record<string, string>[] = [
      {},
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of origins) {
      const answer = await postForm(browser, gateway.url, { token: ADMIN_TOKEN }, headers);
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('data-code="auth.forbidden"');
      expect(answer.setCookies).toEqual([]);
    }
    const json = await browser.request('POST', `${gateway.url}/auth/admin-token`, {
      headers: { origin: gateway.url },
      body: { token: ADMIN_TOKEN },
    });
    expect(json.status).toBe(400);
    const large = await postForm(browser, gateway.url, { token: 'x'.repeat(5000) });
    expect(large.status).toBe(413);
    const offSite = await postForm(browser, gateway.url, {
      token: ADMIN_TOKEN,
      returnTo: 'https://evil.example/',
    });
    expect(offSite.status).toBe(400);
    expect(offSite.setCookies).toEqual([]);
  });

  test('mismatches count as failed logins of the client IP: 429 with Retry-After, the right token too', async () => {
    const limited = await startTestGateway({
      simulator,
      web: true,
      env: { ADMIN_TOKEN, RATE_LIMIT_LOGIN_PER_MINUTE: '2' },
    });
    try {
      const browser = new WebClient();
      // Refused for their Origin before the token is looked at: not counted.
      for (let i = 0; i < 3; i += 1)
        expect((await postForm(browser, limited.url, { token: 'x' }, {})).status).toBe(403);
      const statuses: number[] = [];
      let last: WebAnswer | undefined;
      for (let i = 0; i < 3; i += 1) {
        last = await postForm(browser, limited.url, { token: 'not-the-admin-token' });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last!.text).toContain('data-code="request.rate_limited"');
      const right = await postForm(browser, limited.url, { token: ADMIN_TOKEN });
      expect(right.status).toBe(429);
      expect(right.setCookies).toEqual([]);
      // The same limit as the web login's failed callbacks.
      const callback = await browser.get(
        `${limited.url}/auth/wecom/callback?code=x&state=${'c'.repeat(64)}`,
      );
      expect(callback.status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  test('a new ADMIN_TOKEN ends the token admin’s sessions', async () => {
    const store = await createTestRedisStore({ prefix: uniquePrefix() });
    const before = await startTestGateway({ simulator, web: true, store, env: { ADMIN_TOKEN } });
    const browser = new WebClient();
    try {
      expect((await postForm(browser, before.url, { token: ADMIN_TOKEN })).status).toBe(303);
      expect((await browser.get(`${before.url}/api/admin/diagnostics`)).status).toBe(200);
    } finally {
      await before.close();
    }
    const after = await startTestGateway({
      simulator,
      web: true,
      store,
      env: { ADMIN_TOKEN: 'another-admin-token-9876543210' },
    });
    try {
      const cookie = browser.cookie(before.url, SESSION)!;
      browser.setCookie(after.url, SESSION, cookie);
      const admin = await browser.get(`${after.url}/api/admin/diagnostics`);
      expect(admin.status).toBe(401);
      expect(errorBody(JSON.parse(admin.text)).code).toBe('auth.session_expired');
      const entry = await browser.get(`${after.url}/admin/`);
      expect(entry.status).toBe(302);
      expect(new URL(entry.location!).pathname).toBe('/admin/login');
    } finally {
      await after.close();
      await store.close();
    }
  });
});

describe('without ADMIN_TOKEN', () => {
  test('no form: /admin/login goes straight to the WeCom login and the route is 404', async () => {
    const plain = await startTestGateway({ simulator, web: true, env: { ADMIN_USERIDS: 'lisi' } });
    try {
      const browser = new WebClient();
      const signIn = await browser.get(`${plain.url}/admin/login?returnTo=%2Fadmin%2F%23org`);
      expect(signIn.status).toBe(302);
      expect(signIn.location).toBe(`${plain.url}/auth/wecom/login?returnTo=%2Fadmin%2F%23org`);
      const post = await postForm(browser, plain.url, { token: ADMIN_TOKEN });
      expect(post.status).toBe(404);
      expect(post.setCookies).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});

describe('when WeCom refuses the web login (60020: the server’s IP is not trusted)', () => {
  let refusing: Simulator;
  let broken: TestGateway;
  beforeAll(async () => {
    refusing = await startTestSimulator({ scenario: 'untrusted-ip' });
  });
  afterAll(() => broken?.close());

  test('the error page shows the errcode and points to the ADMIN_TOKEN sign-in and npm run doctor', async () => {
    broken = await startTestGateway({ simulator: refusing, web: true, env: { ADMIN_TOKEN } });
    const browser = new WebClient();
    const { callback } = await webLogin(browser, broken.url, { userid: 'lisi' });
    expect(callback.status).toBe(502);
    expect(callback.text).toContain('data-code="wecom.rejected"');
    expect(callback.text).toContain('<code data-errcode>60020</code>');
    expect(callback.text).toContain('npm run doctor');
    expect(callback.text).toContain('用 ADMIN_TOKEN 登录管理后台');
    expect(callback.text).toContain('sign in to the console with ADMIN_TOKEN');
    expect(callback.text).toContain(
      'data-action="sign-in" href="/admin/login?returnTo=%2Fadmin%2F">使用 ADMIN_TOKEN 登录',
    );
    expect(callback.text).not.toContain('请联系管理员检查应用配置');
    // The way out works while WeCom still refuses.
    expect((await postForm(browser, broken.url, { token: ADMIN_TOKEN })).status).toBe(303);
    const report = await browser.get(`${broken.url}/api/admin/diagnostics`);
    expect(report.status).toBe(200);
    const checks = (JSON.parse(report.text) as { checks: { id: string; status: string }[] }).checks;
    expect(checks.find((check) => check.id === 'trusted-ip')?.status).toBe('fail');
  });

  test('without ADMIN_TOKEN the page says how to turn the sign-in on', async () => {
    const noToken = await startTestGateway({ simulator: refusing, web: true });
    try {
      const { callback } = await webLogin(new WebClient(), noToken.url, { userid: 'lisi' });
      expect(callback.status).toBe(502);
      expect(callback.text).toContain('<code data-errcode>60020</code>');
      expect(callback.text).toContain('npm run doctor');
      expect(callback.text).toContain('请设置 <code>ADMIN_TOKEN</code>');
      expect(callback.text).toContain('set <code>ADMIN_TOKEN</code>');
    } finally {
      await noToken.close();
    }
  });
});
