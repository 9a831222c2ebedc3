import { createEnv } from '../../../miniprogram/services/env';
import { createFakeWx } from '../helpers/fake-wx';

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
});
