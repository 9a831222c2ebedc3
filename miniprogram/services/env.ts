import type { Platform } from './platform';

/** WeChat's build of the running mini-program: 开发版, 体验版, 正式版. */
export type EnvVersion = 'develop' | 'trial' | 'release';

export interface Env {
  /** True inside WeCom (SystemInfo.environment === 'wxwork' and wx.qy present). */
  isWxWork(): boolean;
  /** The build; `release` when the platform does not say, so nothing meant for develop leaks. */
  envVersion(): EnvVersion;
  /** This mini-program's appid ('' when the platform does not say). */
  appId(): string;
}

/**
 * Decided once, when the services are created at launch: on iOS `environment` is reported to go
 * missing after navigating back, so it is not asked again.
 */
export function createEnv({ wx }: { wx: Platform }): Env {
  const inside = wx.qy !== undefined && readEnvironment(wx) === 'wxwork';
  const account = readAccount(wx);
  return {
    isWxWork: () => inside,
    envVersion: () => account.envVersion,
    appId: () => account.appId,
  };
}

function readEnvironment(wx: Platform): string | undefined {
  try {
    return wx.getSystemInfoSync().environment;
  } catch {
    return undefined;
  }
}

function readAccount(wx: Platform): { envVersion: EnvVersion; appId: string } {
  try {
    const { envVersion, appId } = wx.getAccountInfoSync().miniProgram;
    return {
      envVersion: envVersion === 'develop' || envVersion === 'trial' ? envVersion : 'release',
      appId: typeof appId === 'string' ? appId : '',
    };
  } catch {
    return { envVersion: 'release', appId: '' };
  }
}
