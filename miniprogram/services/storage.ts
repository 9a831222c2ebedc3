import type { Platform } from './platform';

const TOKEN_KEY = 'wecom-gate.token';
const DEMO_USER_KEY = 'wecom-gate.demo-user';
const DEV_ORIGIN_KEY = 'wecom-gate.dev-origin';

/**
 * What the mini-program keeps on the device: the session token, after a demo login the demo
 * employee it logged in as (so that a re-login stays on the demo path), and in a develop build
 * the server origin the developer chose.
 */
export interface DeviceStorage {
  getToken(): string | undefined;
  setToken(token: string): void;
  clearToken(): void;
  getDemoUser(): string | undefined;
  setDemoUser(userid: string): void;
  clearDemoUser(): void;
  getDevOrigin(): string | undefined;
  setDevOrigin(origin: string): void;
  clearDevOrigin(): void;
}

export function createStorage({ wx }: { wx: Platform }): DeviceStorage {
  const read = (key: string) => {
    const value = wx.getStorageSync(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    getToken: () => read(TOKEN_KEY),
    setToken(token) {
      wx.setStorageSync(TOKEN_KEY, token);
    },
    clearToken() {
      wx.removeStorageSync(TOKEN_KEY);
    },
    getDemoUser: () => read(DEMO_USER_KEY),
    setDemoUser(userid) {
      wx.setStorageSync(DEMO_USER_KEY, userid);
    },
    clearDemoUser() {
      wx.removeStorageSync(DEMO_USER_KEY);
    },
    getDevOrigin: () => read(DEV_ORIGIN_KEY),
    setDevOrigin(origin) {
      wx.setStorageSync(DEV_ORIGIN_KEY, origin);
    },
    clearDevOrigin() {
      wx.removeStorageSync(DEV_ORIGIN_KEY);
    },
  };
}
