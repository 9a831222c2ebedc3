import type { Platform } from './platform';

const TOKEN_KEY = 'wecom-gate.token';
const DEMO_USER_KEY = 'wecom-gate.demo-user';
const DEV_ORIGIN_KEY = 'wecom-gate.dev-origin';
const CORP_KEY = 'wecom-gate.corp';

/**
 * What may stand in a request path as a corp ID (`/corps/{corpId}`): WeCom's are `ww…` or `wx…`
 * and letters and digits; anything else is never put into a URL.
 */
const isCorpId = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9]{1,64}$/.test(value);

/**
 * What the mini-program keeps on the device: the session token, after a demo login the demo
 * employee it logged in as (so that a re-login stays on the demo path), in a develop build
 * the server origin the developer chose, and — when a deployment serves several corps and the
 * employee's is not the one at its root — that corp's ID (every request goes under
 * `/corps/{corpId}`).
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
  /** The remembered corp ID; one that is not a corp ID is forgotten here and never returned. */
  getCorp(): string | undefined;
  /** Remembers `corpId`; false, and nothing is stored, when it is not a corp ID. */
  setCorp(corpId: string): boolean;
  clearCorp(): void;
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
    getCorp() {
      const corpId = read(CORP_KEY);
      if (corpId === undefined || isCorpId(corpId)) return corpId;
      wx.removeStorageSync(CORP_KEY);
      return undefined;
    },
    setCorp(corpId) {
      if (!isCorpId(corpId)) return false;
      wx.setStorageSync(CORP_KEY, corpId);
      return true;
    },
    clearCorp() {
      wx.removeStorageSync(CORP_KEY);
    },
  };
}
