import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser } from '../helpers/browser';
import { registerSecret } from '../helpers/leak-check';
import {
  SANDBOX_JWT_SECRET,
  type SandboxServer,
  startSandboxServer,
} from '../helpers/sandbox-server';

// The admin console in Chromium under a path prefix: `npm start` in sandbox mode with
// PUBLIC_BASE_URL=http://127.0.0.1:<port>/gate, as behind a proxy that passes /gate/ on unchanged.
// The QR login, an admin console page, logout — and not one request of the browser outside /gate.

jest.setTimeout(60_000);

let server: SandboxServer;
let browser: { context: BrowserContext; page: Page };
/** Every URL of the server's origin the browser asked for. */
const requested: string[] = [];

beforeAll(async () => {
  registerSecret(SANDBOX_JWT_SECRET);
  server = await startSandboxServer({ basePath: '/gate', env: { ADMIN_USERIDS: 'lisi' } });
  browser = await openBrowser(server.url);
  browser.context.on('request', (request) => {
    if (request.url().startsWith(`${server.url}/`)) requested.push(request.url());
  });
});
afterAll(() => server?.stop());

describe('the console under /gate', () => {
  test('/gate/admin → the QR login → the console, with its scripts, styles and API under /gate', async () => {
    const { page, context } = browser;
    await page.goto(`${server.base}/admin`);
    await page.waitForURL(/\/wwlogin\/sso\/login\?/);
    expect(new URL(page.url()).searchParams.get('redirect_uri')).toBe(
      `${server.base}/auth/wecom/callback`,
    );
    await page.click('[data-userid="lisi"]');
    await page.waitForURL(`${server.base}/admin/`);
    await page.locator('[data-check]').first().waitFor();
    await expect(page.locator('[data-user]').textContent()).resolves.toBe('李四（lisi）');
    // The stylesheet applied: the top bar is laid out as a flex row.
    await expect(
      page.locator('.topbar').evaluate((element) => getComputedStyle(element).display),
    ).resolves.toBe('flex');
    // The simulator verified /gate/wecom/callback/app at start, and the doctor's self-test
    // reached the same URL.
    const callback = page.locator('[data-check="callback:app"]');
    await expect(callback.getAttribute('data-status')).resolves.toBe('ok');
    await expect(callback.textContent()).resolves.toContain(`${server.base}/wecom/callback/app`);
    const cookies = await context.cookies(`${server.base}/admin/`);
    expect(cookies.find((cookie) => cookie.name === 'wecom-gate-session')).toMatchObject({
      path: '/gate',
      httpOnly: true,
      sameSite: 'Lax',
    });
    // Outside the prefix the browser holds no cookie of ours.
    expect(await context.cookies(`${server.url}/`)).toEqual([]);
  });

  test('a console page works: ids mapped to names', async () => {
    const { page } = browser;
    await page.click('[data-tab="names"]');
    await page.fill('[data-input="ids"]', 'zhangsan\nwmYsDemoCust01');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${server.base}/api/admin/names`),
      page.click('[data-action="resolve"]'),
    ]);
    expect(answer.status()).toBe(200);
    const rows = page.locator('[data-table="names"] tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.first().textContent()).resolves.toContain('张三');
  });

  test('logout under /gate: the signed-out page, then the sign-in again', async () => {
    const { page, context } = browser;
    await page.click('[data-action="logout"]');
    await page.waitForURL(`${server.base}/admin/signed-out`);
    await expect(page.locator('h1').textContent()).resolves.toBe('已退出登录');
    expect(
      (await context.cookies(`${server.base}/admin/`)).some((c) => c.name === 'wecom-gate-session'),
    ).toBe(false);
    await page.click('[data-action="sign-in"]');
    await page.waitForURL(/\/wwlogin\/sso\/login\?/);
  });

  test('the browser never asked for anything of the server outside /gate', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((url) => !url.startsWith(`${server.base}/`))).toEqual([]);
  });
});
