import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, screenshot } from '../helpers/browser';
import { registerSecret } from '../helpers/leak-check';
import {
  SANDBOX_JWT_SECRET,
  type SandboxServer,
  startSandboxServer,
} from '../helpers/sandbox-server';

// The admin console when WeCom is what is broken, in Chromium: the sandbox's simulator in the
// `untrusted-ip` scenario answers 60020 to everything but gettoken, so the QR login ends on the
// error page; the ADMIN_TOKEN sign-in still opens the admin console, and the doctor shows why.

jest.setTimeout(60_000);

const ADMIN_TOKEN = 'browser-admin-token-0123456789';

let server: SandboxServer;
let browser: { context: BrowserContext; page: Page };

beforeAll(async () => {
  registerSecret(SANDBOX_JWT_SECRET);
  registerSecret(ADMIN_TOKEN);
  server = await startSandboxServer({
    env: { ADMIN_USERIDS: 'lisi', ADMIN_TOKEN, SANDBOX_SCENARIO: 'untrusted-ip' },
  });
  browser = await openBrowser(server.url);
});
afterAll(() => server?.stop());

describe('the console opens when WeCom refuses', () => {
  test('the QR login ends on the error page, which shows the errcode and the ways in', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/admin/`);
    await page.waitForURL(`${server.url}/admin/login?returnTo=%2Fadmin%2F`);
    await expect(page.locator('[data-form="admin-token"]').count()).resolves.toBe(1);
    await page.click('[data-action="wecom-login"]');
    await page.waitForURL(/\/wwlogin\/sso\/login\?/);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${server.url}/auth/wecom/callback`)),
      page.click('[data-userid="lisi"]'),
    ]);
    expect(answer.status()).toBe(502);
    await expect(page.locator('h1').textContent()).resolves.toBe('企业微信拒绝了登录');
    await expect(page.locator('[data-errcode]').textContent()).resolves.toBe('60020');
    const help = await page.locator('[data-help="wecom.rejected"]').textContent();
    expect(help).toContain('npm run doctor');
    expect(help).toContain('ADMIN_TOKEN');
    await screenshot(page, 'console-wecom-rejected');
  });

  test('a wrong token is refused; the right one opens the console and the doctor shows the failing check', async () => {
    const { page } = browser;
    await page.click('[data-action="sign-in"]');
    await page.waitForURL(`${server.url}/admin/login?returnTo=%2Fadmin%2F`);
    await page.fill('input[name="token"]', 'not-the-admin-token');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${server.url}/auth/admin-token`),
      page.click('[data-action="admin-token"]'),
    ]);
    expect(refused.status()).toBe(401);
    await expect(page.locator('main').textContent()).resolves.toContain('ADMIN_TOKEN 不正确');

    await page.click('[data-action="sign-in"]');
    await page.fill('input[name="token"]', ADMIN_TOKEN);
    await screenshot(page, 'console-sign-in');
    await page.click('[data-action="admin-token"]');
    await page.waitForURL(`${server.url}/admin/`);
    await page.locator('[data-check]').first().waitFor();
    await expect(page.locator('[data-user]').textContent()).resolves.toBe('ADMIN_TOKEN 管理员');
    await expect(page.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('fail');
    const trustedIp = page.locator('[data-check="trusted-ip"]');
    await expect(trustedIp.getAttribute('data-status')).resolves.toBe('fail');
    await expect(trustedIp.locator('[data-wecom]').textContent()).resolves.toContain('60020');
    await expect(trustedIp.locator('[data-fix]').textContent()).resolves.toContain('企业可信IP');
  });

  test('logout ends the token admin’s session', async () => {
    const { page, context } = browser;
    const old = (await context.cookies(server.url)).find((c) => c.name === 'wecom-gate-session')!;
    await page.click('[data-action="logout"]');
    await page.waitForURL(`${server.url}/admin/signed-out`);
    const replay = await fetch(`${server.url}/api/admin/diagnostics`, {
      headers: { cookie: `${old.name}=${old.value}` },
    });
    expect(replay.status).toBe(401);
  });
});
