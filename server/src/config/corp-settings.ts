import type { CorpSettings, Settings } from './index';

/**
 * One corp of WECOM_CORPS_FILE as the settings of a deployment of that corp alone:
 * what the server builds each corp's services from, and what the admin CLIs work with after
 * `--corp`.
 */

/** Where a corp other than the home corp is served, below PUBLIC_BASE_URL's path prefix. */
const corpPath = (corpId: string) => `/corps/${corpId}`;

/** A corp's own settings: its WeCom app, keys and admins; its paths; its store's key prefix. */
export function corpSettings(settings: Settings, corp: Readonly<CorpSettings>): Settings {
  const path = corpPath(corp.wecom.corpId);
  return {
    ...settings,
    wecom: corp.wecom,
    callbacks: { ...corp.callbacks, generated: false },
    adminUserIds: corp.adminUserIds,
    publicBaseUrl: settings.publicBaseUrl && settings.publicBaseUrl + path,
    basePath: settings.basePath + path,
    // Its keys under the corp's prefix: a CLI's store made from these settings holds the corp's
    // keys, as the server's view of its one store does (`corpStorePrefix`). The server's job
    // engine is not made from these: it is the deployment's, under the home corp's prefix, where a
    // corp's jobs carry its scope (deployment.ts).
    redis: {
      ...settings.redis,
      keyPrefix: `${settings.redis.keyPrefix}${corpStorePrefix(corp.wecom.corpId)}`,
    },
  };
}

/** The corp's keys in the deployment's store (outside any hash tag). */
export const corpStorePrefix = (corpId: string) => `corp:${corpId}:`;
