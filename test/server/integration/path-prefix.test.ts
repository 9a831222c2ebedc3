import { createHash } from 'node:crypto';
import type { JssdkSignatureResponse } from '../../../miniprogram/typings/api';
import type { Simulator } from '../../../server/src/sandbox';
import { APP_CALLBACK, CALLBACK_ENV } from '../../helpers/callbacks';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { registerSecret } from '../../helpers/leak-check';
import { startTestSimulator } from '../../helpers/simulator';
import { WebClient, webLogin } from '../../helpers/web-client';

// PUBLIC_BASE_URL with a path prefix (`http://127.0.0.1:<port>/gate`), the reverse proxy passing
// the path on unchanged: over real HTTP, every route, redirect, cookie, admin console URL, the OAuth2
// redirect_uri, the JS-SDK check and the callback receivers are under /gate; the probes, the
// metrics and the verification files stay at the root.

jest.setTimeout(30_000);

const ADMIN_TOKEN = 'path-prefix-admin-token-0123456789';
registerSecret(ADMIN_TOKEN);
const SESSION = 'wecom-gate-session';

let simulator: Simulator;
let gateway: TestGateway;
/** `http://127.0.0.1:<port>/gate` */
let base: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({
    simulator,
    web: true,
    basePath: '/gate',
    env: {
      ADMIN_USERIDS: 'lisi',
      ADMIN_TOKEN,
      VERIFY_FILES: 'WW_verify_abc123.txt=abc123',
      ...CALLBACK_ENV,
    },
  });
  base = gateway.base;
});
afterAll(() => gateway.close());

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

describe('where routes answer', () => {
  test('the API under /gate, nothing of it at the root', async () => {
    expect(base).toBe(`${gateway.url}/gate`);
    const token = await gateway.login('zhangsan');
    const me = await gateway.request('GET', '/api/me', { token });
    expect(me.status).toBe(200);
    expect((await get(`${gateway.url}/api/me`, { authorization: `Bearer ${token}` })).status).toBe(
      404,
    );
    const rootLogin = await fetch(`${gateway.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: simulator.issueLoginCode('zhangsan') }),
    });
    expect(rootLogin.status).toBe(404);
    expect((await get(`${base}/sandbox/info`)).status).toBe(200);
    expect((await get(`${gateway.url}/sandbox/info`)).status).toBe(404);
  });

  test('probes, metrics and verification files at the root only', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/WW_verify_abc123.txt']) {
      expect({ path, status: (await get(`${gateway.url}${path}`)).status }).toEqual({
        path,
        status: 200,
      });
      expect({ path, status: (await get(`${base}${path}`)).status }).toEqual({
        path,
        status: 404,
      });
    }
  });

  test('the prefix in another case is no route of this server: no check is skipped', async () => {
    for (const prefix of ['/GATE', '/Gate']) {
      const admin = `${gateway.url}${prefix}/api/admin/diagnostics`;
      expect((await get(admin)).status).toBe(404);
      expect((await get(admin, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(404);
      expect((await get(`${gateway.url}${prefix}/admin/assets/app.mjs`)).status).toBe(404);
    }
  });

  test('/gate/admin → /gate/admin/ with the query; /admin is not ours', async () => {
    const browser = new WebClient();
    const bare = await browser.get(`${base}/admin`);
    expect(bare.status).toBe(302);
    expect(bare.location).toBe(`${base}/admin/`);
    const withQuery = await browser.get(`${base}/admin?tab=1`);
    expect(withQuery.location).toBe(`${base}/admin/?tab=1`);
    expect((await browser.get(`${gateway.url}/admin`)).status).toBe(404);
    expect((await browser.get(`${gateway.url}/admin/`)).status).toBe(404);
  });
});

describe('the web login and the console under /gate', () => {
  test('redirect_uri, cookie paths, the redirect back, the console and every URL it names', async () => {
    const browser = new WebClient();
    const entry = await browser.get(`${base}/admin/`);
    expect(entry.status).toBe(302);
    expect(entry.location).toBe(`${base}/admin/login?returnTo=%2Fgate%2Fadmin%2F`);

    const { start, callback } = await webLogin(browser, base, { userid: 'lisi' }, '/gate/admin/');
    expect(new URL(start.location!).searchParams.get('redirect_uri')).toBe(
      `${base}/auth/wecom/callback`,
    );
    expect(start.setCookies.find((l) => l.startsWith('wecom-gate-login='))).toMatch(
      /; path=\/gate;/,
    );
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${base}/admin/`);
    expect(callback.setCookies.find((l) => l.startsWith(`${SESSION}=`))).toMatch(/; path=\/gate;/);

    const shell = await browser.get(`${base}/admin/`);
    expect(shell.status).toBe(200);
    const urls = [...shell.text.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
    const importMap = /<script type="importmap">([^<]+)<\/script>/.exec(shell.text)![1]!;
    const imports = Object.values(JSON.parse(importMap).imports as Record<string, string>);
    expect(urls).toEqual(
      expect.arrayContaining(['/gate/admin/assets/console.css', '/gate/admin/assets/app.mjs']),
    );
    expect(imports).toContain('/gate/admin/vendor/preact.mjs');
    const hash = createHash('sha256').update(importMap).digest('base64');
    expect(shell.headers.get('content-security-policy')).toContain(`'sha256-${hash}'`);
    for (const path of [...urls.filter((u) => u.startsWith('/')), ...imports]) {
      expect({ path, status: (await browser.get(`${gateway.url}${path}`)).status }).toEqual({
        path,
        status: 200,
      });
    }
    expect((await browser.get(`${gateway.url}/admin/assets/app.mjs`)).status).toBe(404);
    // The admin console's scripts find the base from their own URL.
    const api = await browser.get(`${base}/admin/assets/api.mjs`);
    expect(api.text).toContain("new URL('../..', import.meta.url)");

    const report = await browser.get(`${base}/api/admin/diagnostics`);
    expect(report.status).toBe(200);
    const out = await browser.request('POST', `${base}/auth/logout`, {
      headers: { origin: gateway.url },
    });
    expect(out.status).toBe(204);
    expect(out.setCookies.find((l) => l.startsWith(`${SESSION}=`))).toMatch(/; path=\/gate;/);
    expect((await browser.get(`${base}/api/admin/diagnostics`)).status).toBe(401);
  });

  test.each(['/admin/', '/', '/gateway/admin/', '/gate/../admin/', 'https://evil.example/gate/'])(
    'a returnTo outside /gate (%j) is refused',
    async (returnTo) => {
      const browser = new WebClient();
      const query = new URLSearchParams({ returnTo });
      for (const path of ['/auth/wecom/login', '/admin/login']) {
        const answer = await browser.get(`${base}${path}?${query}`);
        expect(answer.status).toBe(400);
        expect(answer.text).toContain('data-code="guard.invalid_input"');
      }
    },
  );

  test('the sign-in page and the ADMIN_TOKEN form under /gate', async () => {
    const browser = new WebClient();
    const page = await browser.get(`${base}/admin/login?returnTo=%2Fgate%2Fadmin%2F%23org`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/gate/auth/admin-token"');
    expect(page.text).toContain('href="/gate/auth/wecom/login?returnTo=%2Fgate%2Fadmin%2F%23org"');
    expect(page.text).toContain('href="/gate/admin/assets/console.css"');
    const signedIn = await browser.request('POST', `${base}/auth/admin-token`, {
      headers: {
        origin: gateway.url,
        'content-type': 'application/x-www-form-urlencoded',
      },
      rawBody: new URLSearchParams({ token: ADMIN_TOKEN, returnTo: '/gate/admin/#org' }).toString(),
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe(`${base}/admin/#org`);
    expect(signedIn.setCookies.find((l) => l.startsWith(`${SESSION}=`))).toMatch(/; path=\/gate;/);
    expect((await browser.get(`${base}/admin/`)).status).toBe(200);
  });

  test('with https: __Secure- cookies on Path=/gate (not __Host-, which needs Path=/) and the public redirect_uri', async () => {
    const secure = await startTestGateway({
      simulator,
      env: {
        PUBLIC_BASE_URL: 'https://crm.example.com/gate/',
        WECOM_APP_AGENT_ID: simulator.seed.miniprogramApp.agentid,
      },
    });
    try {
      expect(secure.base).toBe(`${secure.url}/gate`);
      const start = await new WebClient().get(`${secure.base}/auth/wecom/login`);
      expect(start.status).toBe(302);
      expect(new URL(start.location!).searchParams.get('redirect_uri')).toBe(
        'https://crm.example.com/gate/auth/wecom/callback',
      );
      const cookie = start.setCookies.find((l) => l.startsWith('__Secure-wecom-gate-login='));
      expect(cookie).toMatch(/; path=\/gate;/);
      expect(cookie).toMatch(/; secure/i);
      expect(cookie).not.toMatch(/domain=/i);
    } finally {
      await secure.close();
    }
  });
});

describe('JS-SDK signatures', () => {
  test('only pages under /gate are signed', async () => {
    const token = await gateway.login('zhangsan');
    const sign = (url: string) =>
      gateway.request<JssdkSignatureResponse>(
        'GET',
        `/api/jssdk/signature?${new URLSearchParams({ url })}`,
        { token },
      );
    const page = `${base}/h5/customers?from=chat#/detail`;
    const signed = await sign(page);
    expect(signed.status).toBe(200);
    expect(
      simulator.verifyJsapiSignature({ kind: 'config', url: page, ...signed.body.config }).errcode,
    ).toBe(0);
    for (const url of [
      `${gateway.url}/h5/customers`,
      `${gateway.url}/gateway/h5`,
      `${base}/../h5/customers`,
      `${base}/%2e%2e/h5/customers`,
    ]) {
      const refused = await sign(url);
      expect({ url, status: refused.status }).toEqual({ url, status: 400 });
      expect(errorBody(refused.body).code).toBe('jssdk.url_not_allowed');
    }
  });
});

describe('the callback receivers', () => {
  test('WeCom’s URL check and events reach /gate/wecom/callback/app; the doctor self-tests that URL', async () => {
    const url = `${base}/wecom/callback/app`;
    const verified = await simulator.registerCallback('app', { url, ...APP_CALLBACK });
    expect(verified).toMatchObject({ verified: true });
    const [delivery] = await simulator.removeFollower('wmYsDemoCust03', 'lisi');
    expect(delivery).toMatchObject({ delivered: true, attempts: [{ outcome: 200 }] });

    const report = await gateway.request<{
      checks: { id: string; status: string; summary: { en: string } }[];
    }>('GET', '/api/admin/diagnostics', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(report.status).toBe(200);
    const check = report.body.checks.find((c) => c.id === 'callback:app')!;
    expect(check.status).toBe('ok');
    expect(check.summary.en).toContain(`GET ${url} answered the decrypted echostr`);
  });
});

describe('without a prefix', () => {
  test('/admin → /admin/, and nothing answers under a prefix', async () => {
    const plain = await startTestGateway({ simulator, web: true });
    try {
      const browser = new WebClient();
      const bare = await browser.get(`${plain.url}/admin`);
      expect(bare.status).toBe(302);
      expect(bare.location).toBe(`${plain.url}/admin/`);
      expect(bare.headers.get('cache-control')).toBe('no-store');
      expect((await browser.get(`${plain.url}/gate/admin/`)).status).toBe(404);
      expect((await browser.get(`${plain.url}/healthz`)).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
