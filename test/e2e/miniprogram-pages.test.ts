/**
 * @jest-environment jsdom
 * @jest-environment-options {"url": "https://servicewechat.com/"}
 */
import '../miniprogram/setup-wx';
import { config } from '../../miniprogram/services/config';
import type { Platform, PlatformRequestOption } from '../../miniprogram/services/platform';
import { httpRequest, type SandboxServer, startSandboxServer } from '../helpers/sandbox-server';
import { lastNavigation, type MountedPage, mountPage } from '../miniprogram/helpers/page';

// The real pages (ts + wxml through miniprogram-simulate) against the real server (`npm start` in
// sandbox mode, a child process), as the developer tools run them: only `wx` is stood in for. Its
// `request` is real HTTP; the origin a build's config names is served by the test server (the
// developer tools would reach 127.0.0.1:3000; the port here is free, not 3000). `wx.qy.login`
// answers a code the sandbox never issued, as the developer tools' WeCom mode does, so only the
// demo login can get in.

let server: SandboxServer;

beforeAll(async () => {
  server = await startSandboxServer();
}, 30_000);
afterAll(() => server.stop());

type EnvVersion = keyof typeof config.origins;

function pagesWx(envVersion: EnvVersion) {
  const storage = new Map<string, string>();
  /** "METHOD /path" of every request, in order. */
  const requests: string[] = [];
  const served = new Set<string>(Object.values(config.origins));
  const ok = { errMsg: 'ok' };
  const qy = {
    login: jest.fn((o: WechatMiniprogram.Qy.LoginOption) =>
      setTimeout(() => o.success?.({ ...ok, code: 'devtools-code-the-sandbox-never-issued' }), 0),
    ),
    checkSession: jest.fn((o: WechatMiniprogram.Qy.CheckSessionOption) => o.success?.(ok)),
    // The developer tools have no getContext: the workbench takes that as the 工作台 entry.
    getContext: jest.fn((o: WechatMiniprogram.Qy.GetContextOption) =>
      o.fail?.({ errMsg: 'qy.getContext:fail not supported' }),
    ),
    selectExternalContact: jest.fn(),
    getCurExternalContact: jest.fn(),
    getCurExternalChat: jest.fn(),
  };
  const wx = {
    request(option: PlatformRequestOption) {
      const url = new URL(option.url);
      if (!served.has(url.origin)) {
        option.fail({ errMsg: `request:fail ${url.origin} is not a request 合法域名` });
        return;
      }
      requests.push(`${option.method} ${url.pathname}`);
      const body = option.data === undefined ? undefined : JSON.stringify(option.data);
      httpRequest(option.method, server.url + url.pathname + url.search, {
        headers: option.header,
        body,
        timeoutMs: option.timeout,
      }).then(
        ({ status, text }) =>
          option.success({ statusCode: status, data: text ? JSON.parse(text) : '' }),
        (error: Error) => option.fail({ errMsg: `request:fail ${error.message}` }),
      );
    },
    getSystemInfoSync: () => ({ environment: 'wxwork' }),
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx-e2e-appid', envVersion } }),
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: string) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    reLaunch: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    qy: qy as unknown as WechatMiniprogram.Qy.Qy,
  } satisfies Platform;
  return { wx, qy, storage, requests };
}

/** Waits (bounded) until the page shows `selector`: real HTTP takes more than a tick. */
async function shows(view: MountedPage, selector: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!view.has(selector)) {
    if (view.has('.state-error')) {
      throw new Error(`error state instead of ${selector}: ${view.text('.state-error')}`);
    }
    if (Date.now() > deadline) throw new Error(`${selector} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens the page the last navigation went to, in the running app (as the framework does). */
function follow(fake: ReturnType<typeof pagesWx>): MountedPage {
  const { page, query } = lastNavigation(fake.wx);
  return mountPage(page, fake, query, { launch: false });
}

describe('the develop build against `npm start`', () => {
  it('should log in through the demo login and walk every page, then log out', async () => {
    const fake = pagesWx('develop');
    const home = mountPage('home', fake);
    await home.loaded;

    // envVersion develop → GET /sandbox/info → the picker.
    expect(fake.requests).toEqual(['GET /sandbox/info']);
    expect(home.text('.section-title')).toBe('演示登录');
    expect(home.all('.demo-name')).toContain('张三');
    expect(home.all('.demo-name')).not.toContain('刘总');

    // Picking 张三 → /sandbox/login-code → /api/sessions; everything after is the normal path.
    await home.tap('#demo-zhangsan');
    await shows(home, '.user-name');
    expect(fake.requests).toEqual([
      'GET /sandbox/info',
      'GET /sandbox/info',
      'POST /sandbox/login-code',
      'POST /api/sessions',
      'GET /api/me',
    ]);
    expect(fake.qy.login).not.toHaveBeenCalled();
    expect(home.text('.user-name')).toBe('张三');
    expect(home.text('.entry')).toBe('入口：工作台');
    expect(home.text('.demo-badge')).toBe('演示登录');

    // 工作台 → 我的客户 → 客户详情
    await home.tap('.shortcut-contacts');
    const contacts = follow(fake);
    await contacts.loaded;
    await shows(contacts, '.contact-item');
    const firstCustomer = contacts.all('.contact-name')[0];
    expect(contacts.all('.contact-item').length).toBeGreaterThan(1);
    await contacts.tap('.contact-item');
    expect(lastNavigation(fake.wx)).toEqual({
      page: 'contact-detail',
      query: { externalUserId: 'wmYsDemoCust01' },
    });
    const detail = follow(fake);
    await detail.loaded;
    await shows(detail, '.contact-name');
    expect(detail.text('.contact-name')).toBe(firstCustomer);
    expect(detail.has('.sender')).toBe(false);

    // 工作台 → 我的客户群 → 客户群
    await home.tap('.shortcut-group-chats');
    const groups = follow(fake);
    await groups.loaded;
    await shows(groups, '.group-chat-item');
    expect(groups.all('.group-chat-name')).toEqual(['华东客户交流群', '云杉科技项目对接群']);
    await groups.tap('.group-chat-item');
    const group = follow(fake);
    await group.loaded;
    await shows(group, '.chat-name');
    expect(group.text('.chat-name')).toBe('华东客户交流群');
    expect(group.text('.chat-owner')).toBe('张三');
    expect(group.all('.badge-customer').length).toBeGreaterThan(0);

    // 工作台 → 我 → 退出登录: the server session ends.
    await home.tap('.shortcut-me');
    const me = follow(fake);
    await me.loaded;
    await shows(me, '.me-name');
    expect(me.text('.me-name')).toBe('张三');
    expect(me.text('.me-userid')).toBe('zhangsan');
    expect(me.text('.me-corp')).toBe('ww1a2b3c4d5e6f7a8b');
    const token = fake.storage.get('wecom-gate.token')!;
    await me.tap('.logout');
    const deadline = Date.now() + 10_000;
    while (fake.wx.reLaunch.mock.calls.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(fake.requests.at(-1)).toBe('DELETE /api/sessions/current');
    expect(lastNavigation(fake.wx)).toEqual({ page: 'home', query: { loggedOut: '1' } });
    expect(fake.storage.size).toBe(0);
    const stale = await httpRequest('GET', `${server.url}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.text).code).toBe('auth.session_expired');

    // reLaunch → the workbench offers the demo login again.
    const again = mountPage('home', fake, { loggedOut: '1' });
    await again.loaded;
    expect(again.text('.logged-out-note')).toBe('已退出登录');
    expect(again.all('.demo-name')).toContain('张三');
    expect(fake.qy.login).not.toHaveBeenCalled();
  }, 60_000);
});

describe('a release build against the same server', () => {
  it('should never offer the demo login, and WeCom codes the sandbox did not issue fail', async () => {
    const fake = pagesWx('release');
    const home = mountPage('home', fake);
    await home.loaded;
    expect(home.has('.demo-employee')).toBe(false);
    expect(fake.requests.filter((path) => path.includes('/sandbox/'))).toEqual([]);
    expect(fake.requests).toEqual(['POST /api/sessions', 'POST /api/sessions']);
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
    expect(home.text('.state-error .state-text')).toBe('登录失败，请重新打开小程序');
    expect(fake.storage.size).toBe(0);
  }, 30_000);
});
