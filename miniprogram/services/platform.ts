// The part of the `wx` global that the services use, as a structural type: the real `wx` satisfies
// it, and so does a Node object whose `request` performs real HTTP (the end-to-end test).

export interface PlatformRequestOption {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  data?: string | Record<string, unknown>;
  header: Record<string, string>;
  /** Milliseconds. */
  timeout: number;
  dataType: 'json';
  success: (result: { statusCode: number; data: unknown }) => void;
  fail: (error: { errMsg: string }) => void;
}

export interface PlatformNavigateOption {
  url: string;
  fail?: (error: { errMsg: string }) => void;
}

export interface Platform {
  request(option: PlatformRequestOption): unknown;
  getSystemInfoSync(): { environment?: string };
  /** `miniProgram.envVersion` is the build: develop, trial or release. */
  getAccountInfoSync(): { miniProgram: { appId: string; envVersion: string } };
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: string): void;
  removeStorageSync(key: string): void;
  navigateTo(option: PlatformNavigateOption): unknown;
  redirectTo(option: PlatformNavigateOption): unknown;
  reLaunch(option: PlatformNavigateOption): unknown;
  stopPullDownRefresh(): unknown;
  qy?: WechatMiniprogram.Qy.Qy;
}
