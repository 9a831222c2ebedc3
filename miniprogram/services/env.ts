import type { Platform } from './platform';

export interface Env {
  /** True inside WeCom (SystemInfo.environment === 'wxwork' and wx.qy present). */
  isWxWork(): boolean;
}

/**
 * Decided once, when the services are created at launch: on iOS `environment` is reported to go
 * missing after navigating back, so it is not asked again.
 */
export function createEnv({ wx }: { wx: Platform }): Env {
  const inside = wx.qy !== undefined && readEnvironment(wx) === 'wxwork';
  return { isWxWork: () => inside };
}

function readEnvironment(wx: Platform): string | undefined {
  try {
    return wx.getSystemInfoSync().environment;
  } catch {
    return undefined;
  }
}
