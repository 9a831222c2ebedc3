import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, settle } from '../helpers/fake-wx';
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
    expect(view.all('.shortcut')).toEqual(['我的客户›', '选择客户›']);
  });

  it('should open the shortcuts with wx.navigateTo', async () => {
    const fake = createFakeWx();
    const view = mountPage('home', fake);
    await view.loaded;
    await view.tap('.shortcut-contacts');
    await view.tap('.shortcut-picker');
    expect(fake.wx.navigateTo.mock.calls.map(([o]) => o.url)).toEqual([
      '/pages/contacts/index',
      '/pages/contact-picker/index',
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
