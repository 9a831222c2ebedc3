import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { errorCodes, errorTexts } from '../../server/src/errors/codes';
import { openBrowser, screenshot } from '../helpers/browser';
import { registerSecret } from '../helpers/leak-check';
import {
  SANDBOX_JWT_SECRET,
  type SandboxServer,
  startSandboxServer,
} from '../helpers/sandbox-server';
import { phoneLayout } from './layout';

// The admin console in a real browser (Debian's Chromium) against `ADMIN_USERIDS=lisi npm start`
// in sandbox mode: the login through the simulator's QR page, every page of the admin console, and
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
const pager = (page: Page, part: string) => page.locator(`[data-pager="${part}"]`);

/** A GET of the JSON API from the page, with its session cookie. */
const getJson = <T>(page: Page, path: string): Promise<T> =>
  page.evaluate(async (url) => (await fetch(url)).json(), path);

/** Waits until the table's rows are exactly these records (by `seq`), in this order. */
async function waitForSeqs(page: Page, table: string, seqs: string[]): Promise<void> {
  await page.waitForFunction(
    ({ table, seqs }) =>
      [...document.querySelectorAll(`[data-table="${table}"] tbody tr`)]
        .map((tr) => tr.getAttribute('data-seq'))
        .join() === seqs.join(),
    { table, seqs },
  );
}

/** Sets the change feed's filters (a search by id or name included) as an admin would. */
async function filterChanges(
  page: Page,
  filters: { kind: string; op: string; q: string },
): Promise<void> {
  await page.selectOption('[data-filter="kind"]', filters.kind);
  await page.selectOption('[data-filter="op"]', filters.op);
  await page.fill('[data-filter="q"]', filters.q);
  await page.click('[data-action="search"]');
}

/** Waits until the change feed shows exactly these records (`<kind> <op>`, in order). */
async function waitForChanges(page: Page, records: string[]): Promise<void> {
  await page.waitForFunction(
    (records) =>
      [...document.querySelectorAll('[data-table="changes"] tbody tr')]
        .map((tr) => `${tr.getAttribute('data-kind')} ${tr.getAttribute('data-op')}`)
        .join() === records.join(),
    records,
  );
}

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

  test('a customer name that looks like a formula is shown as is and downloaded as text', async () => {
    const { page } = admin;
    const name = '=HYPERLINK("http://evil.example","x")';
    // The customer renames themselves in WeChat; the simulator plays it.
    const renamed = await fetch(`${simulatorUrl}/sandbox/world/rename-customer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ externalUserId: 'wmYsDemoCust02', name }),
    });
    expect(renamed.ok).toBe(true);
    await page.fill('[data-input="ids"]', 'wmYsDemoCust02\nzhangsan');
    await page.click('[data-action="resolve"]');
    const row = page.locator('[data-table="names"] tbody tr[data-id="wmYsDemoCust02"]');
    await row.waitFor();
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe(name);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-action="download"]'),
    ]);
    const text = (await readFile((await download.path())!)).toString('utf8');
    expect(text).toBe(
      `\uFEFFtype,id,name,source\nexternal,wmYsDemoCust02,"'=HYPERLINK(""http://evil.example"",""x"")",wecom\nuser,zhangsan,张三,cache\n`,
    );
  });

  test('starts an org sync, watches it finish and pages through the change feed newest first', async () => {
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
    // The first sync records every department and member it sees as created: two pages of 10.
    expect(changes).toBeGreaterThan(10);
    expect(changes).toBeLessThanOrEqual(20);

    // The whole feed oldest first, as scripts read it; the admin console shows it the other way round.
    const all = await getJson<{ changes: { seq: string | number }[] }>(
      page,
      '/api/admin/org/changes?limit=1000',
    );
    const newest = all.changes.map((change) => String(change.seq)).reverse();
    expect(newest).toHaveLength(changes);
    await waitForSeqs(page, 'changes', newest.slice(0, 10));
    await expect(pager(page, 'first').isDisabled()).resolves.toBe(true);
    await expect(pager(page, 'previous').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'console-org');

    await pager(page, 'next').click();
    await waitForSeqs(page, 'changes', newest.slice(10));
    await expect(pager(page, 'page').textContent()).resolves.toBe('第 2 页');
    // The oldest page: nothing further to go to.
    await expect(pager(page, 'next').isDisabled()).resolves.toBe(true);
    await pager(page, 'previous').click();
    await waitForSeqs(page, 'changes', newest.slice(0, 10));
    await pager(page, 'next').click();
    await waitForSeqs(page, 'changes', newest.slice(10));
    await pager(page, 'first').click();
    await waitForSeqs(page, 'changes', newest.slice(0, 10));
    await expect(pager(page, 'previous').isDisabled()).resolves.toBe(true);
    await expect(pager(page, 'next').isDisabled()).resolves.toBe(false);
  });

  test('filters the change feed and shows labels and department names beside ids', async () => {
    const { page } = admin;
    // 黄丽 moves from 客户成功部 (5) and 销售部 (2) to 技术部 (6) in WeCom; the directory callback
    // brings the change into the feed as one member update.
    const move = await fetch(`${simulatorUrl}/sandbox/org/members/huangli`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ department: [6] }),
    });
    expect(move.ok).toBe(true);
    const updated = '/api/admin/org/changes?limit=1000&kind=member&op=updated&q=huangli';
    for (let attempt = 0; ; attempt += 1) {
      const { changes } = await getJson<{ changes: unknown[] }>(page, updated);
      if (changes.length > 0) break;
      if (attempt > 50) throw new Error('the member update did not reach the feed');
      await page.waitForTimeout(100);
    }

    await filterChanges(page, { kind: 'member', op: 'updated', q: 'huangli' });
    await waitForChanges(page, ['member updated']);
    const department = page.locator('[data-table="changes"] [data-field="department"]');
    await expect(department.locator('.field').textContent()).resolves.toBe('部门');
    await expect(department.locator('.field').getAttribute('title')).resolves.toBe('department');
    const moved = await department.textContent();
    expect(moved).toMatch(/客户成功部\s*5.*销售部\s*2.*→.*技术部\s*6/);
    await expect(pager(page, 'next').isDisabled()).resolves.toBe(true);

    // Departments only: the five in the app's visible range the first sync created, each named
    // beside its id, and the parent by its name.
    await filterChanges(page, { kind: 'department', op: '', q: '' });
    await waitForChanges(page, Array(5).fill('department created'));
    const east = rows(page, 'changes').filter({ has: page.locator('td [data-department="3"]') });
    await expect(east.locator('[data-column="id"]').textContent()).resolves.toMatch(
      /^华东销售组\s*3$/,
    );
    const parent = east.locator('[data-field="parentid"]');
    await expect(parent.locator('.field').textContent()).resolves.toBe('上级部门');
    await expect(parent.textContent()).resolves.toMatch(/销售部\s*2/);
    await expect(pager(page, 'next').isDisabled()).resolves.toBe(true);

    // A search by name, whatever the kind.
    await filterChanges(page, { kind: '', op: '', q: '华东' });
    await waitForChanges(page, ['department created']);
  });

  test('shows the callback events WeCom delivered, newest first and in Chinese', async () => {
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
    const first = rows(page, 'events').first();
    for (
      let attempt = 0;
      !(await first.textContent().catch(() => ''))?.includes('wmYsDemoCust03');
      attempt += 1
    ) {
      if (attempt > 50) throw new Error('no callback event arrived');
      await page.waitForTimeout(100);
      await page.click('[data-action="refresh"]');
    }
    // The customer event came last, so it is first; the directory event of the move before it.
    await expect(first.locator('[data-event]').textContent()).resolves.toMatch(
      /^客户变更\s*change_external_contact$/,
    );
    await expect(first.locator('[data-change-type]').textContent()).resolves.toMatch(
      /^删除客户\s*del_external_contact$/,
    );
    const second = rows(page, 'events').nth(1);
    await expect(second.locator('[data-event]').textContent()).resolves.toMatch(/^通讯录变更/);
    await expect(second.locator('[data-change-type]').textContent()).resolves.toMatch(
      /^更新成员\s*update_user$/,
    );
    await expect(rows(page, 'events').count()).resolves.toBe(2);
    // Two events fit on one page: there is no next page.
    await expect(pager(page, 'next').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'console-events');
  });

  test('on a 390×844 phone no page scrolls sideways and no button wraps', async () => {
    const { page } = admin;
    const tabs = ['doctor', 'names', 'org', 'events'];
    const seen = [];
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const tab of tabs) {
        await page.click(`[data-tab="${tab}"]`);
        await page.locator(`[data-page="${tab}"]`).waitFor();
        if (tab === 'doctor') await page.locator('[data-check]').first().waitFor();
        if (tab === 'names') {
          await page.fill('[data-input="ids"]', 'zhangsan\nwmYsDemoCust01\nwrYsDemoGroup01');
          await page.click('[data-action="resolve"]');
          await rows(page, 'names').first().waitFor();
        }
        if (tab === 'org') await rows(page, 'changes').first().waitFor();
        if (tab === 'events') await rows(page, 'events').first().waitFor();
        seen.push({ tab, ...(await phoneLayout(page, 390)) });
        if (tab === 'org') {
          await page.locator('h2', { hasText: '变更记录' }).evaluate((h2) => h2.scrollIntoView());
          await screenshot(page, 'console-phone');
        }
      }
    } finally {
      await page.setViewportSize({ width: 1180, height: 760 });
    }
    expect(seen).toEqual(
      tabs.map((tab) => ({
        tab,
        overflow: 0,
        buttons: expect.any(Number),
        wrapped: [],
        tablesOutside: [],
      })),
    );
    for (const { buttons } of seen) expect(buttons).toBeGreaterThan(0);
  });

  test('says what the error registry says for a failed call, in Chinese first', async () => {
    const code = 'org.sync_running';
    const registryText = errorCodes[code].zh.adminConsole;
    /** The served texts, and what the admin console says for a 409 of `code`, on a fresh page. */
    async function served(fixture?: string) {
      const page = await admin.context.newPage();
      if (fixture !== undefined) {
        await page.route('**/admin/assets/error-texts.mjs', async (route) => {
          const response = await route.fetch();
          const body = (await response.text()).replace(`"${registryText}"`, `"${fixture}"`);
          await route.fulfill({ response, body });
        });
      }
      await page.goto(`${server.url}/admin/signed-out`);
      // A string: the test's compiler would turn a dynamic import() into require().
      const result = await page.evaluate(`(async () => {
        const { ERROR_TEXT } = await import('./assets/error-texts.mjs');
        const { ApiError, errorText } = await import('./assets/api.mjs');
        return { texts: ERROR_TEXT, said: errorText(new ApiError(409, { code: '${code}', message: 'm' })) };
      })()`);
      await page.close();
      return result as { texts: unknown; said: string };
    }
    const real = await served();
    expect(real.texts).toEqual(errorTexts('adminConsole'));
    expect(real.said).toBe(`${registryText}（${code}：m）`);
    // The admin console keeps no copy: a changed text in the served module is what it says.
    await expect(served('测试后台文字')).resolves.toMatchObject({
      said: `测试后台文字（${code}：m）`,
    });
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
