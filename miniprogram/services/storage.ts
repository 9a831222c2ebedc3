import type { Platform } from './platform';

const TOKEN_KEY = 'wecom-gate.token';
const DEMO_USER_KEY = 'wecom-gate.demo-user';

/**
 * What the mini-program keeps on the device: the session token, and after a demo login the
 * demo employee it logged in as (so that a re-login stays on the demo path).
 */
export interface TokenStorage {
  getToken(): string | undefined;
  setToken(token: string): void;
  clearToken(): void;
  getDemoUser(): string | undefined;
  setDemoUser(userid: string): void;
  clearDemoUser(): void;
}

export function createStorage({ wx }: { wx: Platform }): TokenStorage {
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
  };
}
