import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, screenshot } from '../helpers/browser';
import { registerSecret } from '../helpers/leak-check';
import {
  SANDBOX_JWT_SECRET,
  type SandboxServer,
  startSandboxServer,
} from '../helpers/sandbox-server';

// The admin console in a real browser (Debian's Chromium) against `ADMIN_USERIDS=lisi npm start`
// in sandbox mode: the login through the simulator's QR page, every page of the console, and
// what a non-admin and a foreign returnTo get.

jest.setTimeout(60_000);

let server: SandboxServer;
let admin: { context: BrowserContext; page: Page };
/** The simulator's origin, read off the QR login page's URL. */
let simulatorUrl: string;

beforeAll(async () => {
  registerSecret(SANDBOX_JWT_SECRET);
  server = await startSandboxServer({ env: { ADMIN_USERIDS: 'lisi' } });
  admin = await openBrowser(server.url);
});
afterAll(() => server?.stop());

const rows = (page: Page, table: string) => page.locator(`[data-table="${table}"] tbody tr`);

describe('the admin console', () => {
  test('an admin signs in through the QR login page with one click and sees the doctor’s checks', async () => {
    const { page } = admin;
    await page.goto(`${server.url}/admin/`);
    await page.waitForURL(/\/wwlogin\/sso\/login\?/);
    simulatorUrl = new URL(page.url()).origin;
    expect(new URL(page.url()).searchParams.get('login_type')).toBe('CorpApp');
    await expect(page.locator('h1').textContent()).resolves.toBe('企业微信扫码登录');
    await screenshot(page, 'console-qr-login');

    await page.click('[data-userid="lisi"]');
    await page.waitForURL(`${server.url}/admin/`);
    await page.locator('[data-check]').first().waitFor();
    await expect(page.locator('[data-user]').textContent()).resolves.toBe('李四（lisi）');
    await expect(page.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('ok');
    const ids = await page
      .locator('[data-check]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-check')));
    expect(ids).toEqual(expect.arrayContaining(['store', 'token:app', 'trusted-ip', 'directory']));
    await expect(page.locator('[data-check="token:app"] .badge').textContent()).resolves.toBe(
      '通过',
    );
    const cookies = await admin.context.cookies(server.url);
    const session = cookies.find((cookie) => cookie.name === 'wecom-gate-session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await screenshot(page, 'console-doctor');
  });

  test('re-runs the checks', async () => {
    const { page } = admin;
    const before = Number(await page.locator('[data-page="doctor"]').getAttribute('data-runs'));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/admin/diagnostics')),
      page.click('[data-action="rerun"]'),
    ]);
    expect(response.status()).toBe(200);
    await page.waitForFunction(
      (runs) =>
        Number(document.querySelector('[data-page="doctor"]')?.getAttribute('data-runs')) > runs,
      before,
    );
    await expect(page.locator('[data-check]').count()).resolves.toBeGreaterThanOrEqual(5);
  });

  test('maps pasted and uploaded ids to names and downloads a CSV with a BOM', async () => {
    const { page } = admin;
    await page.click('[data-tab="names"]');
    await page.fill('[data-input="ids"]', 'zhangsan\nwmYsDemoCust01');
    await page.setInputFiles('[data-input="file"]', {
      name: 'ids.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('\uFEFFwrYsDemoGroup01\nuser:nobody-here\n'),
    });
    // The file is read asynchronously and appended to what was pasted.
    await page.waitForFunction(() =>
      document.querySelector('textarea')?.value.endsWith('wrYsDemoGroup01\nuser:nobody-here\n'),
    );
    await expect(page.inputValue('[data-input="ids"]')).resolves.toMatch(
      /^zhangsan\nwmYsDemoCust01\n/,
    );
    await page.click('[data-action="resolve"]');
    await rows(page, 'names').first().waitFor();
    await expect(rows(page, 'names').count()).resolves.toBe(4);
    const cells = await rows(page, 'names').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
    );
    expect(cells.map((row) => row.slice(0, 3))).toEqual([
      ['成员', 'zhangsan', '张三'],
      ['客户', 'wmYsDemoCust01', '陈晓明'],
      ['客户群', 'wrYsDemoGroup01', '华东客户交流群'],
      ['成员', 'nobody-here', expect.stringContaining('不存在')],
    ]);
    await screenshot(page, 'console-names');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-action="download"]'),
    ]);
    expect(download.suggestedFilename()).toBe('names.csv');
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('type,id,name,source');
    expect(lines[1]).toBe('user,zhangsan,张三,wecom');
    expect(lines).toContain('groupchat,wrYsDemoGroup01,华东客户交流群,wecom');
    expect(lines[4]).toMatch(/^user,nobody-here,,unresolved:not_found:60111$/);
  });

  test('starts an org sync, watches it finish and pages through the change feed', async () => {
    const { page } = admin;
    await page.click('[data-tab="org"]');
    await page.locator('[data-last]').waitFor();
    await expect(page.locator('[data-last]').getAttribute('data-last')).resolves.toBe('none');
    const [started] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/api/admin/org/sync') && r.request().method() === 'POST',
      ),
      page.click('[data-action="sync"]'),
    ]);
    expect(started.status()).toBe(202);
    await page.locator('[data-last="ok"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-sync="running"]').waitFor({ state: 'detached' });
    const changes = Number(await page.locator('[data-count="changes"]').textContent());
    // The first sync records every department and member as created: more than one page of 10.
    expect(changes).toBeGreaterThan(10);

    // The first page of the feed, then the next, then back.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-table="changes"] tbody tr').length === 10,
    );
    // The first page starts at the oldest record of the feed.
    const oldest = await page.evaluate(async () => {
      const answer = await fetch('/api/admin/org/changes?limit=11');
      return ((await answer.json()) as { changes: { seq: string }[] }).changes.map((c) => c.seq);
    });
    await expect(rows(page, 'changes').first().getAttribute('data-seq')).resolves.toBe(oldest[0]);
    await screenshot(page, 'console-org');
    await page.click('[data-pager="next"]');
    await page.waitForFunction(
      (eleventh) =>
        document.querySelector('[data-table="changes"] tbody tr')?.getAttribute('data-seq') ===
        eleventh,
      oldest[10],
    );
    await expect(page.locator('[data-pager="page"]').textContent()).resolves.toBe('第 2 页');
    await page.click('[data-pager="previous"]');
    await page.waitForFunction(
      (first) =>
        document.querySelector('[data-table="changes"] tbody tr')?.getAttribute('data-seq') ===
        first,
      oldest[0],
    );
    await expect(page.locator('[data-pager="previous"]').isDisabled()).resolves.toBe(true);
  });

  test('shows the callback events WeCom delivered', async () => {
    const { page } = admin;
    // A change in the simulator's world, which it delivers to /wecom/callback/app.
    const change = await fetch(`${simulatorUrl}/sandbox/world/remove-follower`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ externalUserId: 'wmYsDemoCust03', userid: 'lisi' }),
    });
    expect(change.ok).toBe(true);
    await page.click('[data-tab="events"]');
    await page.locator('[data-page="events"]').waitFor();
    for (let attempt = 0; (await rows(page, 'events').count()) === 0; attempt += 1) {
      if (attempt > 50) throw new Error('no callback event arrived');
      await page.waitForTimeout(100);
      await page.click('[data-action="refresh"]');
    }
    const text = await rows(page, 'events').first().textContent();
    expect(text).toContain('change_external_contact');
    expect(text).toContain('wmYsDemoCust03');
    await screenshot(page, 'console-events');
  });

  test('logs out: the signed-out page, and the old cookie no longer works', async () => {
    const { page, context } = admin;
    const old = (await context.cookies(server.url)).find((c) => c.name === 'wecom-gate-session')!;
    await page.click('[data-action="logout"]');
    await page.waitForURL(`${server.url}/admin/signed-out`);
    await expect(page.locator('h1').textContent()).resolves.toBe('已退出登录');
    expect((await context.cookies(server.url)).some((c) => c.name === old.name)).toBe(false);
    const replay = await fetch(`${server.url}/api/admin/diagnostics`, {
      headers: { cookie: `${old.name}=${old.value}` },
    });
    expect(replay.status).toBe(401);
  });
});

describe('who else comes to /admin/', () => {
  test('an employee who is not an admin sees a refusal page in Chinese', async () => {
    const { page } = await openBrowser(server.url);
    await page.goto(`${server.url}/admin/`);
    await page.waitForURL(/\/wwlogin\/sso\/login\?/);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${server.url}/admin/`),
      page.click('[data-userid="zhangsan"]'),
    ]);
    expect(answer.status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('无权访问管理后台');
    await expect(page.locator('main').textContent()).resolves.toContain('zhangsan');
    expect(await page.locator('[data-tab]').count()).toBe(0);
    await screenshot(page, 'console-refusal');
    await page.click('[data-logout]');
    await page.waitForURL(`${server.url}/admin/signed-out`);
  });

  test('a returnTo of another origin is refused on this server', async () => {
    const { page } = await openBrowser(server.url);
    const answer = await page.goto(
      `${server.url}/auth/wecom/login?returnTo=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(answer?.status()).toBe(400);
    expect(page.url().startsWith(`${server.url}/auth/wecom/login`)).toBe(true);
    await expect(page.locator('main').textContent()).resolves.toContain('只能跳转到本站的页面');
  });
});
