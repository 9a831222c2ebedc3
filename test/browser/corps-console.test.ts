import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { Simulator } from '../../server/src/sandbox';
import { GROUP_CORP_ID, groupCorp } from '../../server/src/sandbox/group-corp';
import { CUSTOM_SUITE_ID, demoSuites, THIRD_PARTY_SUITE_ID } from '../../server/src/sandbox/suites';
import { openBrowser, screenshot } from '../helpers/browser';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { registerSecret } from '../helpers/leak-check';
import { startTestSimulator } from '../helpers/simulator';
import { phoneLayout } from './layout';

// The admin console of a deployment of two corps in Chromium: the home corp A (the
// simulator's demo corp, at /admin/) and its sister corp B (at /corps/B/admin/), with the service
// provider's two suites. The ADMIN_TOKEN admin switches between the corps' consoles in the header
// and, in A's console, sees the suites (服务商), makes an install link and, once B installs the
// 代开发 template, sees B listed; B's own admin sees no switcher.

jest.setTimeout(60_000);

const B = GROUP_CORP_ID;
const ADMIN_TOKEN = 'corps-console-admin-token-0123456789';
/** The suites' 指令回调 keys, known here to save them at the simulator's provider admin. */
const suiteKeys = demoSuites().map((suite, index) => ({
  suiteId: suite.suiteId,
  index,
  token: `suiteToken${index}`,
  encodingAesKey: randomBytes(48).toString('base64').replace(/[+/=]/g, 'a').slice(0, 43),
}));

let simulator: Simulator;
let gateway: TestGateway;
let admin: { context: BrowserContext; page: Page };

beforeAll(async () => {
  registerSecret(ADMIN_TOKEN);
  simulator = await startTestSimulator({
    moreCorps: [groupCorp()],
    provider: { suites: demoSuites() },
  });
  gateway = await startTestGateway({
    simulator,
    corps: [simulator, simulator.corp(B)],
    suites: demoSuites(),
    corpAdmins: { [B]: ['zhoujie'] },
    web: true,
    env: {
      ADMIN_TOKEN,
      ...Object.fromEntries(
        suiteKeys.flatMap((key) => [
          [`SUITE${key.index}_TOKEN`, key.token],
          [`SUITE${key.index}_AES_KEY`, key.encodingAesKey],
        ]),
      ),
    },
  });
  // The provider admin saves each suite's 指令回调: the simulator verifies the URL, then pushes a
  // suite_ticket at once.
  for (const key of suiteKeys) {
    const saved = await simulator.provider!.registerSuiteCallback(key.suiteId, {
      url: `${gateway.base}/wecom/suites/${key.suiteId}/callback`,
      token: key.token,
      encodingAesKey: key.encodingAesKey,
    });
    expect(saved).toMatchObject({ verified: true });
  }
  admin = await openBrowser(gateway.url);
  await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: gateway.url,
  });
});
afterAll(() => gateway?.close());

const A = () => simulator.corpId;
const switcher = (page: Page) => page.locator('[data-action="switch-corp"]');

/** The switcher's options: value, text and kind, and which one is selected. */
const options = (page: Page) =>
  switcher(page)
    .locator('option')
    .evaluateAll((items) =>
      (items as HTMLOptionElement[]).map((option) => ({
        value: option.value,
        text: option.textContent,
        kind: option.dataset.kind,
        selected: option.selected,
      })),
    );

/** The ADMIN_TOKEN form of the sign-in page the browser is on, back to `landing` afterwards. */
async function signInWithToken(page: Page, landing: string): Promise<void> {
  await page.fill('input[name="token"]', ADMIN_TOKEN);
  await page.click('[data-action="admin-token"]');
  await page.waitForURL(landing);
}

describe('the corp switcher', () => {
  test('the token admin sees both corps in the header, the current one selected', async () => {
    const { page } = admin;
    await page.goto(`${gateway.url}/admin/`);
    await page.waitForURL(`${gateway.url}/admin/login?returnTo=%2Fadmin%2F`);
    await signInWithToken(page, `${gateway.url}/admin/`);
    await switcher(page).waitFor();
    await expect(page.locator('label[for="corp-switch"]').textContent()).resolves.toBe('企业');
    // Each corp by the name its corps file gives, with its ID beside it.
    await expect(options(page)).resolves.toEqual([
      {
        value: A(),
        text: `${simulator.seed.corpName}（${A()}） · 自建应用`,
        kind: 'self-built',
        selected: true,
      },
      {
        value: B,
        text: `宁波甬江科技有限公司（${B}） · 自建应用`,
        kind: 'self-built',
        selected: false,
      },
    ]);
    await expect(page.locator('.corp-switch').getAttribute('data-current-corp')).resolves.toBe(A());
  });

  test('choosing B opens B’s console, where the token admin signs in again', async () => {
    const { page } = admin;
    await switcher(page).selectOption(B);
    // A corp's sessions are its own: B's console does not know A's session and sends the
    // token admin to B's sign-in page, back to B's console afterwards.
    const returnTo = encodeURIComponent(`/corps/${B}/admin/`);
    await page.waitForURL(`${gateway.url}/corps/${B}/admin/login?returnTo=${returnTo}`);
    await signInWithToken(page, `${gateway.url}/corps/${B}/admin/`);
    await page.locator('[data-check]').first().waitFor();
    await expect(page.locator('[data-user]').textContent()).resolves.toBe('ADMIN_TOKEN 管理员');
    await expect(options(page)).resolves.toEqual([
      expect.objectContaining({ value: A(), selected: false }),
      expect.objectContaining({ value: B, selected: true }),
    ]);
    // The provider's suites are the home corp's: B's console has no 服务商 tab.
    await expect(page.locator('[data-tab]').count()).resolves.toBe(5);
    await expect(page.locator('[data-tab="provider"]').count()).resolves.toBe(0);
  });

  test('choosing A again opens A’s console with A’s session, still signed in', async () => {
    const { page } = admin;
    await switcher(page).selectOption(A());
    await page.waitForURL(`${gateway.url}/admin/`);
    await page.locator('[data-check]').first().waitFor();
    await expect(page.locator('[data-user]').textContent()).resolves.toBe('ADMIN_TOKEN 管理员');
    await expect(options(page)).resolves.toEqual([
      expect.objectContaining({ value: A(), selected: true }),
      expect.objectContaining({ value: B, selected: false }),
    ]);
  });

  test('B’s own admin, signed in through B’s QR login page, sees no switcher', async () => {
    const { page } = await openBrowser(gateway.url);
    await page.goto(`${gateway.url}/corps/${B}/admin/`);
    await page.click('[data-action="wecom-login"]');
    await page.waitForURL(/\/wwlogin\/sso\/login\?/);
    expect(new URL(page.url()).searchParams.get('appid')).toBe(B);
    await page.click('[data-userid="zhoujie"]');
    await page.waitForURL(`${gateway.url}/corps/${B}/admin/`);
    const [listing] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${gateway.url}/corps/${B}/api/admin/corps`),
      page.locator('[data-check]').first().waitFor(),
    ]);
    expect(listing.status()).toBe(200);
    expect(await listing.json()).toEqual({
      current: B,
      corps: [expect.objectContaining({ corpId: B })],
    });
    await expect(page.locator('[data-user]').textContent()).resolves.toBe('周杰（zhoujie）');
    await expect(switcher(page).count()).resolves.toBe(0);
    await expect(page.locator('[data-tab="provider"]').count()).resolves.toBe(0);
  });

  test('a deployment of one corp has no /api/admin/corps and the console no switcher', async () => {
    const single = await startTestGateway({ simulator, web: true, env: { ADMIN_TOKEN } });
    try {
      const { page } = await openBrowser(single.url);
      await page.goto(`${single.url}/admin/`);
      await page.waitForURL(/\/admin\/login\?/);
      const [listing] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${single.url}/api/admin/corps`),
        signInWithToken(page, `${single.url}/admin/`),
      ]);
      expect(listing.status()).toBe(404);
      await page.locator('[data-check]').first().waitFor();
      await expect(switcher(page).count()).resolves.toBe(0);
      await expect(page.locator('[data-tab="provider"]').count()).resolves.toBe(0);
    } finally {
      await single.close();
    }
  });
});

describe('服务商', () => {
  const suite = (page: Page, suiteId: string) => page.locator(`[data-suite="${suiteId}"]`);

  test('lists both suites with their kind and a fresh suite_ticket', async () => {
    const { page } = admin;
    await page.click('[data-tab="provider"]');
    await page.locator('[data-page="provider"] [data-suite]').first().waitFor();
    await expect(page.locator('[data-suite]').count()).resolves.toBe(2);
    await expect(
      suite(page, THIRD_PARTY_SUITE_ID).locator('[data-suite-kind]').textContent(),
    ).resolves.toBe('第三方应用');
    await expect(
      suite(page, CUSTOM_SUITE_ID).locator('[data-suite-kind]').textContent(),
    ).resolves.toBe('代开发模板');
    // The test's corps file names no suite: each is shown by its suite ID.
    await expect(suite(page, CUSTOM_SUITE_ID).locator('h3').textContent()).resolves.toBe(
      `${CUSTOM_SUITE_ID} 代开发模板`,
    );
    for (const { suiteId } of suiteKeys) {
      await expect(
        suite(page, suiteId).locator('[data-ticket]').getAttribute('data-ticket'),
      ).resolves.toBe('fresh');
      await expect(suite(page, suiteId).locator('[data-ticket-at]').textContent()).resolves.toMatch(
        /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/,
      );
      await expect(suite(page, suiteId).locator('[data-ticket-warning]').count()).resolves.toBe(0);
    }
    await expect(page.locator('[data-empty="corps"]').textContent()).resolves.toBe(
      '还没有企业安装服务商的应用。',
    );
  });

  test('makes an install link at WeCom’s install page and copies it', async () => {
    const { page } = admin;
    const card = suite(page, CUSTOM_SUITE_ID);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/admin/provider/install-url')),
      card.locator('[data-action="install-url"]').click(),
    ]);
    expect(answer.status()).toBe(200);
    const link = card.locator('[data-install-url]');
    await link.waitFor();
    const url = await link.inputValue();
    expect(url.startsWith(`${simulator.url}/3rdapp/install?`)).toBe(true);
    const query = new URL(url).searchParams;
    expect(query.get('suite_id')).toBe(CUSTOM_SUITE_ID);
    expect(query.get('redirect_uri')).toBe(
      `${gateway.base}/provider/suites/${CUSTOM_SUITE_ID}/installed`,
    );
    await card.locator('[data-action="copy"]').click();
    await expect(card.locator('[data-copied]').textContent()).resolves.toBe('已复制');
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(url);
    // The other suite's card is untouched.
    await expect(
      suite(page, THIRD_PARTY_SUITE_ID).locator('[data-install-url]').count(),
    ).resolves.toBe(0);
  });

  test('lists B once it installs the 代开发 template, with a link to B’s console', async () => {
    const { page } = admin;
    const push = await simulator.provider!.install(CUSTOM_SUITE_ID, B);
    expect(push.delivery?.delivered).toBe(true);
    const row = page.locator(`[data-table="installed"] tr[data-corp="${B}"]`);
    for (let attempt = 0; (await row.count()) === 0; attempt += 1) {
      if (attempt > 40) throw new Error('the installed corp was not listed');
      await page.click('[data-action="refresh"]');
      await page.waitForTimeout(100);
    }
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toContain(B);
    expect(cells[1]).toBe('代开发应用');
    expect(cells[2]).toContain(CUSTOM_SUITE_ID);
    expect(cells[3]).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    await expect(row.locator('a[data-console]').getAttribute('href')).resolves.toBe(
      `${gateway.url}/corps/${B}/admin/`,
    );
    await suite(page, CUSTOM_SUITE_ID).evaluate((card) => card.scrollIntoView());
    await screenshot(page, 'console-provider');
  });

  test('on a 390×844 phone the header with the switcher and 服务商 fit the screen', async () => {
    const { page } = admin;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.reload();
      await page.locator('[data-page="provider"] [data-suite]').first().waitFor();
      await suite(page, CUSTOM_SUITE_ID).locator('[data-action="install-url"]').click();
      await suite(page, CUSTOM_SUITE_ID).locator('[data-install-url]').waitFor();
      await page.locator(`[data-table="installed"] tr[data-corp="${B}"]`).waitFor();
      const layout = await phoneLayout(page, 390);
      expect(layout).toEqual({
        overflow: 0,
        buttons: expect.any(Number),
        wrapped: [],
        tablesOutside: [],
      });
      const box = await switcher(page).boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1180, height: 760 });
    }
  });

  test('warns when a suite’s last suite_ticket is more than 30 minutes old', async () => {
    const page = await admin.context.newPage();
    try {
      // The page's clock 31 minutes on: the tickets pushed at the start are too old now.
      await page.clock.setFixedTime(Date.now() + 31 * 60_000);
      await page.goto(`${gateway.url}/admin/#provider`);
      await page.locator('[data-page="provider"] [data-suite]').first().waitFor();
      for (const { suiteId } of suiteKeys) {
        const card = suite(page, suiteId);
        await expect(card.locator('[data-ticket]').getAttribute('data-ticket')).resolves.toBe(
          'stale',
        );
        await expect(card.locator('[data-ticket-warning]').textContent()).resolves.toBe(
          '票据已超过30分钟',
        );
        await expect(card.textContent()).resolves.toContain(
          `${gateway.base}/wecom/suites/${suiteId}/callback`,
        );
      }
    } finally {
      await page.close();
    }
  });
});
