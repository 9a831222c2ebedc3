import { createEnv } from '../../../miniprogram/services/env';
import { createFakeWx, FAKE_APPID } from '../helpers/fake-wx';

describe('services/env', () => {
  it('should say inside WeCom when environment is wxwork and wx.qy exists', () => {
    expect(createEnv({ wx: createFakeWx().wx }).isWxWork()).toBe(true);
  });

  it('should say outside WeCom in plain WeChat', () => {
    expect(createEnv({ wx: createFakeWx({ environment: undefined }).wx }).isWxWork()).toBe(false);
  });

  it('should say outside WeCom when environment is wxwork but wx.qy is missing', () => {
    const { wx } = createFakeWx();
    expect(createEnv({ wx: { ...wx, qy: undefined } }).isWxWork()).toBe(false);
  });

  it('should ask the system once and keep the answer', () => {
    const { wx } = createFakeWx();
    const env = createEnv({ wx });
    wx.getSystemInfoSync.mockReturnValue({});
    expect(env.isWxWork()).toBe(true);
    expect(env.isWxWork()).toBe(true);
    expect(wx.getSystemInfoSync).toHaveBeenCalledTimes(1);
  });

  it.each(['develop', 'trial', 'release'] as const)('should read the %s build', (envVersion) => {
    const env = createEnv({ wx: createFakeWx({ envVersion }).wx });
    expect(env.envVersion()).toBe(envVersion);
    expect(env.appId()).toBe(FAKE_APPID);
  });

  it('should take a build it cannot read for release, where nothing meant for develop runs', () => {
    const { wx } = createFakeWx();
    wx.getAccountInfoSync.mockImplementation(() => {
      throw new Error('getAccountInfoSync:fail');
    });
    expect(createEnv({ wx }).envVersion()).toBe('release');
    wx.getAccountInfoSync.mockReturnValue({
      miniProgram: { appId: 'wx1', envVersion: 'gray' as 'release' },
    });
    expect(createEnv({ wx }).envVersion()).toBe('release');
  });
});
