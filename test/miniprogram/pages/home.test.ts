import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, requestedPaths, settle } from '../helpers/fake-wx';
import { mockSandboxData } from '../helpers/fixtures';
import { mountPage } from '../helpers/page';

describe('pages/home (工作台)', () => {
  it('should show 请在企业微信中打开 outside WeCom and call nothing', async () => {
    const fake = createFakeWx({ environment: undefined });
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.text('.state-outside')).toBe('请在企业微信中打开');
    expect(view.has('.state-loading')).toBe(false);
    expect(fake.wx.request).not.toHaveBeenCalled();
  });

  it('should show the loading state until the login answers, then who I am', async () => {
    const fake = createFakeWx();
    const release = fake.server.hold();
    const view = mountPage('home', fake);
    await settle();
    expect(view.text('.state-loading')).toBe('正在登录…');
    expect(view.has('.user-name')).toBe(false);
    release();
    await view.loaded;
    expect(view.has('.state-loading')).toBe(false);
    expect(view.text('.user-name')).toBe('张三');
    expect(view.text('.user-id')).toBe('账号：zhangsan');
    expect(view.text('.entry')).toBe('入口：工作台');
    expect(view.all('.shortcut')).toEqual(['我的客户›', '选择客户›', '我的客户群›', '我›']);
    expect(view.has('.demo-badge')).toBe(false);
  });

  it('should open the shortcuts with wx.navigateTo', async () => {
    const fake = createFakeWx();
    const view = mountPage('home', fake);
    await view.loaded;
    await view.tap('.shortcut-contacts');
    await view.tap('.shortcut-picker');
    await view.tap('.shortcut-group-chats');
    await view.tap('.shortcut-me');
    expect(fake.wx.navigateTo.mock.calls.map(([o]) => o.url)).toEqual([
      '/pages/contacts/index',
      '/pages/contact-picker/index',
      '/pages/group-chats/index',
      '/pages/me/index',
    ]);
  });

  it.each([
    ['single_chat_tools', '/pages/contact-detail/index'],
    ['contact_profile', '/pages/contact-detail/index'],
    ['group_chat_tools', '/pages/group-chat/index'],
  ] as const)('should send the %s entry to its page', async (entry, url) => {
    const fake = createFakeWx({ entry });
    const view = mountPage('home', fake);
    await view.loaded;
    expect(fake.wx.redirectTo).toHaveBeenCalledWith({ url });
    expect(fake.qy.getContext.mock.invocationCallOrder[0]).toBeGreaterThan(
      fake.qy.login.mock.invocationCallOrder[0]!,
    );
  });

  it('should stay on the workbench when getContext is unavailable (older WeCom, devtools)', async () => {
    const fake = createFakeWx();
    fake.qy.getContext.mockImplementation((o) => o.fail?.({ errMsg: 'qy.getContext:fail' }));
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.text('.user-name')).toBe('张三');
    expect(fake.wx.redirectTo).not.toHaveBeenCalled();
  });

  it('should show the WeCom errcode and the admin hint, and recover on 重试', async () => {
    const fake = createFakeWx();
    fake.server.failNext('GET /api/me', errorAnswer(502, 'wecom.rejected', { errcode: 48002 }));
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe(
      '企业微信接口调用失败（错误码 48002），请联系管理员',
    );
    await view.tap('.retry');
    await settle();
    expect(view.has('.state-error')).toBe(false);
    expect(view.text('.user-name')).toBe('张三');
  });

  it('should say the login failed when WeCom refuses wx.qy.login', async () => {
    const fake = createFakeWx();
    fake.qy.login.mockImplementation((o) => o.fail?.({ errMsg: 'qy.login:fail' }));
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('企业微信接口调用失败，请联系管理员');
  });
});

describe('pages/home (工作台): the demo login', () => {
  const sandbox = () => createFakeWx({ data: mockSandboxData() });

  it('should offer the demo employees in a develop build against a sandbox server', async () => {
    const fake = sandbox();
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.text('.section-title')).toBe('演示登录');
    expect(view.all('.demo-name')).toEqual(['张三', '李四', '王五']);
    expect(view.all('.demo-department')).toEqual(['销售部', '销售部', 'wangwu']);
    expect(view.has('.user-name')).toBe(false);
    expect(requestedPaths(fake)).toEqual(['GET /sandbox/info']);
    expect(fake.qy.login).not.toHaveBeenCalled();
  });

  it('should log in as the picked employee through /sandbox/login-code and /api/sessions', async () => {
    const fake = sandbox();
    const view = mountPage('home', fake);
    await view.loaded;
    await view.tap('#demo-lisi');
    await settle();
    expect(requestedPaths(fake)).toEqual([
      'GET /sandbox/info',
      'GET /sandbox/info',
      'POST /sandbox/login-code',
      'POST /api/sessions',
      'GET /api/me',
    ]);
    const codeRequest = fake.wx.request.mock.calls[2]![0];
    expect(codeRequest.data).toEqual({ userid: 'lisi' });
    expect(codeRequest.header.Authorization).toBeUndefined();
    expect(view.text('.user-name')).toBe('李四');
    expect(view.text('.user-id')).toBe('账号：lisi');
    expect(view.text('.demo-badge')).toBe('演示登录');
    expect(view.has('.demo-employee')).toBe(false);
    expect(fake.qy.login).not.toHaveBeenCalled();
    expect(fake.qy.checkSession).not.toHaveBeenCalled();
  });

  it('should stay on the demo path when the session ends and a new login is needed', async () => {
    const fake = sandbox();
    const view = mountPage('home', fake);
    await view.loaded;
    await view.tap('#demo-lisi');
    await settle();
    fake.server.expireSessions();
    await view.call('load');
    expect(view.text('.user-name')).toBe('李四');
    const codes = fake.wx.request.mock.calls.filter(([o]) => o.url.endsWith('/sandbox/login-code'));
    expect(codes.map(([o]) => o.data)).toEqual([{ userid: 'lisi' }, { userid: 'lisi' }]);
    expect(fake.qy.login).not.toHaveBeenCalled();
  });

  it.each(['trial', 'release'] as const)(
    'should never offer it in a %s build, not even against a sandbox server',
    async (envVersion) => {
      const fake = createFakeWx({ data: mockSandboxData(), envVersion });
      const view = mountPage('home', fake);
      await view.loaded;
      expect(view.has('.demo-employee')).toBe(false);
      expect(view.text('.user-name')).toBe('张三');
      expect(requestedPaths(fake).filter((p) => p.includes('/sandbox/'))).toEqual([]);
      expect(fake.qy.login).toHaveBeenCalledTimes(1);
    },
  );

  it('should not offer it in a develop build against a server that is not in sandbox mode', async () => {
    const fake = createFakeWx();
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.has('.demo-employee')).toBe(false);
    expect(view.text('.user-name')).toBe('张三');
    expect(requestedPaths(fake)).toEqual([
      'GET /sandbox/info',
      'POST /api/sessions',
      'GET /api/me',
    ]);
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
  });

  it('should show the error and offer the picker again when the demo login fails', async () => {
    const fake = sandbox();
    const view = mountPage('home', fake);
    await view.loaded;
    fake.server.failNext('POST /sandbox/login-code', { networkError: 'request:fail timeout' });
    await view.tap('#demo-zhangsan');
    await settle();
    expect(view.text('.state-error .state-text')).toBe('网络异常，请稍后重试');
    expect(fake.storage.size).toBe(0);
    await view.tap('.retry');
    await settle();
    expect(view.all('.demo-name')).toEqual(['张三', '李四', '王五']);
  });

  it('should offer the picker again after 退出登录', async () => {
    const view = mountPage('home', sandbox(), { loggedOut: '1' });
    await view.loaded;
    expect(view.text('.logged-out-note')).toBe('已退出登录');
    expect(view.all('.demo-name')).toHaveLength(3);
  });
});

describe('pages/home (工作台): after 退出登录', () => {
  it('should wait for 重新登录 instead of logging in again at once', async () => {
    const fake = createFakeWx();
    const view = mountPage('home', fake, { loggedOut: '1' });
    await view.loaded;
    expect(view.text('.logged-out-note')).toBe('已退出登录');
    expect(fake.qy.login).not.toHaveBeenCalled();
    await view.tap('.relogin');
    await settle();
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
    expect(view.text('.user-name')).toBe('张三');
  });
});

describe('pages/home (工作台): the server origin of a develop build', () => {
  const origins = (fake: ReturnType<typeof createFakeWx>) =>
    fake.wx.request.mock.calls.map(([o]) => new URL(o.url).origin);

  it('should offer it beside the demo login and talk to the new server from then on', async () => {
    const fake = createFakeWx({ data: mockSandboxData() });
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.text('.dev-origin-current')).toBe('当前：http://127.0.0.1:3000');
    await view.input('.dev-origin-input', ' http://192.168.1.20:3000/ ');
    await view.tap('.dev-origin-save');
    await settle();
    expect(view.text('.dev-origin-current')).toBe('当前：http://192.168.1.20:3000');
    expect(fake.storage.get('wecom-gate.dev-origin')).toBe('http://192.168.1.20:3000');
    expect(origins(fake)).toEqual(['http://127.0.0.1:3000', 'http://192.168.1.20:3000']);
    expect(view.all('.demo-name')).toEqual(['张三', '李四', '王五']);
  });

  it('should keep it in storage for the next launch, and 恢复默认 forgets it', async () => {
    const fake = createFakeWx({ data: mockSandboxData() });
    fake.storage.set('wecom-gate.dev-origin', 'http://10.0.0.5:3000');
    const view = mountPage('home', fake);
    await view.loaded;
    expect(origins(fake)).toEqual(['http://10.0.0.5:3000']);
    await view.tap('.dev-origin-reset');
    await settle();
    expect(fake.storage.has('wecom-gate.dev-origin')).toBe(false);
    expect(origins(fake).at(-1)).toBe('http://127.0.0.1:3000');
  });

  it('should offer it when the server cannot be reached, and refuse what is not an origin', async () => {
    const fake = createFakeWx();
    fake.server.failNext('GET /sandbox/info', { networkError: 'request:fail timeout' });
    const view = mountPage('home', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('网络异常，请稍后重试');
    await view.input('.dev-origin-input', '192.168.1.20:3000');
    await view.tap('.dev-origin-save');
    expect(view.text('.dev-origin-invalid')).toBe('地址无效：需以 http:// 或 https:// 开头');
    expect(fake.storage.has('wecom-gate.dev-origin')).toBe(false);
  });

  it('should forget the session of the old server when the origin changes', async () => {
    const fake = createFakeWx();
    const view = mountPage('home', fake);
    await view.loaded;
    expect(fake.storage.get('wecom-gate.token')).toBeDefined();
    fake.server.failNext('GET /api/me', { networkError: 'request:fail timeout' });
    await view.call('load');
    await view.input('.dev-origin-input', 'https://gate-dev.example.com');
    await view.tap('.dev-origin-save');
    await settle();
    const sessions = fake.wx.request.mock.calls.filter(([o]) => o.url.endsWith('/api/sessions'));
    expect(sessions.map(([o]) => o.url)).toEqual([
      'http://127.0.0.1:3000/api/sessions',
      'https://gate-dev.example.com/api/sessions',
    ]);
    expect(view.text('.user-name')).toBe('张三');
  });

  it.each(['trial', 'release'] as const)(
    'should never offer it in a %s build, and ignore an origin left in storage',
    async (envVersion) => {
      const fake = createFakeWx({ envVersion });
      fake.storage.set('wecom-gate.dev-origin', 'http://10.0.0.5:3000');
      fake.server.failNext('POST /api/sessions', { networkError: 'request:fail timeout' });
      const view = mountPage('home', fake);
      await view.loaded;
      expect(view.has('.state-error')).toBe(true);
      expect(view.has('.dev-origin')).toBe(false);
      expect(origins(fake)).toEqual(['https://wecom-gate.example.com']);
    },
  );
});
