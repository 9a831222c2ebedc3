import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, requestedPaths, settle } from '../helpers/fake-wx';
import { mockSandboxData } from '../helpers/fixtures';
import { mountPage } from '../helpers/page';

describe('pages/me (我)', () => {
  it('should show 请在企业微信中打开 outside WeCom and call nothing', async () => {
    const fake = createFakeWx({ environment: undefined });
    const view = mountPage('me', fake);
    await view.loaded;
    expect(view.text('.state-outside')).toBe('请在企业微信中打开');
    expect(view.has('.logout')).toBe(false);
    expect(fake.wx.request).not.toHaveBeenCalled();
  });

  it('should show loading, then who is logged in and in which corp', async () => {
    const fake = createFakeWx();
    const release = fake.server.hold();
    const view = mountPage('me', fake);
    await settle();
    expect(view.text('.state-loading')).toBe('加载中…');
    release();
    await view.loaded;
    expect(view.text('.me-name')).toBe('张三');
    expect(view.text('.me-userid')).toBe('zhangsan');
    expect(view.text('.me-corp')).toBe('ww-test-corp');
    expect(view.has('.demo-badge')).toBe(false);
    expect(view.text('.logout')).toBe('退出登录');
  });

  it('should show the error state and load again on 重试', async () => {
    const fake = createFakeWx();
    fake.server.failNext('GET /api/me', errorAnswer(503, 'store.unavailable'));
    const view = mountPage('me', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('服务暂时不可用，请稍后重试');
    await view.tap('.retry');
    await settle();
    expect(view.text('.me-name')).toBe('张三');
  });

  it('should say when the login is a demo login', async () => {
    const fake = createFakeWx({ data: mockSandboxData() });
    const home = mountPage('home', fake);
    await home.loaded;
    await home.tap('#demo-zhangsan');
    await settle();
    const view = mountPage('me', fake, {}, { launch: false });
    await view.loaded;
    expect(view.text('.demo-badge')).toBe('演示登录');
  });

  describe('退出登录', () => {
    it('should end the session on the server and start over on the workbench', async () => {
      const fake = createFakeWx();
      const view = mountPage('me', fake);
      await view.loaded;
      const token = fake.storage.get('wecom-gate.token')!;
      expect(fake.server.isLive(token)).toBe(true);
      await view.tap('.logout');
      await settle();
      const logout = fake.wx.request.mock.calls.find(([o]) => o.method === 'DELETE')![0];
      expect(logout.url).toBe('http://127.0.0.1:3000/api/sessions/current');
      expect(logout.header.Authorization).toBe(`Bearer ${token}`);
      expect(fake.server.isLive(token)).toBe(false);
      expect(fake.storage.size).toBe(0);
      expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index?loggedOut=1' });
      expect(fake.qy.login).toHaveBeenCalledTimes(1);
    });

    it('should forget a demo login too, so the picker comes back', async () => {
      const fake = createFakeWx({ data: mockSandboxData() });
      const home = mountPage('home', fake);
      await home.loaded;
      await home.tap('#demo-lisi');
      await settle();
      expect(fake.storage.get('wecom-gate.demo-user')).toBe('lisi');
      const view = mountPage('me', fake, {}, { launch: false });
      await view.loaded;
      await view.tap('.logout');
      await settle();
      expect(fake.storage.size).toBe(0);
      expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index?loggedOut=1' });
    });

    it('should say so and stay logged in when the server cannot be reached', async () => {
      const fake = createFakeWx();
      const view = mountPage('me', fake);
      await view.loaded;
      const token = fake.storage.get('wecom-gate.token')!;
      fake.server.failNext('DELETE /api/sessions/current', { networkError: 'request:fail' });
      await view.tap('.logout');
      await settle();
      expect(view.text('.logout-error')).toBe('退出失败：网络异常，请稍后重试');
      expect(view.text('.logout')).toBe('退出登录');
      expect(fake.storage.get('wecom-gate.token')).toBe(token);
      expect(fake.wx.reLaunch).not.toHaveBeenCalled();
    });

    it('should count a session the server already ended as logged out', async () => {
      const fake = createFakeWx();
      const view = mountPage('me', fake);
      await view.loaded;
      fake.server.expireSessions();
      await view.tap('.logout');
      await settle();
      expect(fake.storage.size).toBe(0);
      expect(fake.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index?loggedOut=1' });
      expect(fake.qy.login).toHaveBeenCalledTimes(1);
    });
  });

  describe('my mobile and email', () => {
    it('should explain the consent and read nothing until asked', async () => {
      const fake = createFakeWx();
      const view = mountPage('me', fake);
      await view.loaded;
      expect(view.text('.consent-note')).toBe(
        '读取时企业微信会请你确认是否同意；结果只显示在本页，不会保存。',
      );
      expect(view.text('.read-mobile')).toBe('点击读取');
      expect(view.text('.read-email')).toBe('点击读取');
      expect(fake.qy.getMobile).not.toHaveBeenCalled();
      expect(fake.qy.getEmail).not.toHaveBeenCalled();
    });

    it('should read my mobile through wx.qy.getMobile and POST /api/me/decrypt', async () => {
      const fake = createFakeWx();
      const view = mountPage('me', fake);
      await view.loaded;
      await view.tap('.read-mobile');
      await settle();
      expect(fake.qy.getMobile).toHaveBeenCalledTimes(1);
      const decrypt = fake.wx.request.mock.calls.find(([o]) => o.url.endsWith('/api/me/decrypt'))!;
      expect(Object.keys(decrypt[0].data as object).sort()).toEqual(['encryptedData', 'iv']);
      expect(view.text('.me-mobile')).toBe('13800000000');
      expect(view.has('.read-mobile')).toBe(false);
      expect(fake.storage.size).toBe(1);
    });

    it('should read my email the same way', async () => {
      const fake = createFakeWx();
      const view = mountPage('me', fake);
      await view.loaded;
      await view.tap('.read-email');
      await settle();
      expect(fake.qy.getEmail).toHaveBeenCalledTimes(1);
      expect(view.text('.me-email')).toBe('zhangsan@example.com');
    });

    it('should say so when I do not agree in the WeCom dialog', async () => {
      const fake = createFakeWx();
      fake.qy.getMobile.mockImplementation((o) => o.fail?.({ errMsg: 'qy.getMobile:fail cancel' }));
      const view = mountPage('me', fake);
      await view.loaded;
      await view.tap('.read-mobile');
      await settle();
      expect(view.text('.read-mobile')).toBe('你没有同意，未读取');
      expect(requestedPaths(fake)).not.toContain('POST /api/me/decrypt');
    });

    it('should say so when the contact book has no mobile', async () => {
      const fake = createFakeWx();
      fake.context.mobile = '';
      const view = mountPage('me', fake);
      await view.loaded;
      await view.tap('.read-mobile');
      await settle();
      expect(view.text('.read-mobile')).toBe('通讯录中没有你的手机号');
    });

    it('should show the server error when the data cannot be decrypted', async () => {
      const fake = createFakeWx();
      fake.server.failNext('POST /api/me/decrypt', errorAnswer(401, 'auth.session_expired'));
      const view = mountPage('me', fake);
      await view.loaded;
      await view.tap('.read-email');
      await settle();
      expect(view.text('.read-email')).toBe('登录已过期，请重新打开');
      // Not retried with a new login: the data was encrypted with the old session_key.
      expect(requestedPaths(fake).filter((p) => p === 'POST /api/me/decrypt')).toHaveLength(1);
    });

    it('should leave out what this WeCom client cannot do', async () => {
      const fake = createFakeWx();
      const qy = fake.qy as Partial<typeof fake.qy>;
      delete qy.getMobile;
      const view = mountPage('me', fake);
      await view.loaded;
      expect(view.has('.read-mobile')).toBe(false);
      expect(view.text('.read-email')).toBe('点击读取');
      delete qy.getEmail;
      const bare = mountPage('me', fake);
      await bare.loaded;
      expect(bare.has('.own-contact')).toBe(false);
    });
  });
});
