import type { Platform } from './platform';

const TOKEN_KEY = 'wecom-gate.token';

/** The session token is the only thing the mini-program stores. */
export interface TokenStorage {
  getToken(): string | undefined;
  setToken(token: string): void;
  clearToken(): void;
}

export function createStorage({ wx }: { wx: Platform }): TokenStorage {
  return {
    getToken() {
      const value = wx.getStorageSync(TOKEN_KEY);
      return typeof value === 'string' && value !== '' ? value : undefined;
    },
    setToken(token) {
      wx.setStorageSync(TOKEN_KEY, token);
    },
    clearToken() {
      wx.removeStorageSync(TOKEN_KEY);
    },
  };
}
