import { config } from './config';
import type { Env } from './env';
import type { DeviceStorage } from './storage';

/**
 * The wecom-gate server this build talks to: the origin `config.origins` names for the build, or
 * — in a develop build only — one the developer chose at run time on the demo login screen (kept
 * in storage), e.g. `npm start` on a laptop's LAN address for a phone that scanned the
 * development QR code. Trial and release builds always use `config.origins`.
 */
export interface ServerOrigin {
  current(): string;
  /**
   * Where every request goes: `current()`, plus `/corps/{corpId}` while a corp is remembered (a
   * deployment of several corps serves each under that prefix; see auth.ts).
   */
  base(): string;
  /** Whether `set` may change it: a develop build whose origin the caller did not fix. */
  changeable(): boolean;
  /**
   * Talks to `origin` from now on (`''`: back to the build's own); false, and nothing changes,
   * when the build may not change it or `origin` is not an http(s) origin with an optional path.
   * A new server means a new login: the stored session, demo employee and corp are forgotten
   * (that server may not serve the corp, or serve it at its root).
   */
  set(origin: string): boolean;
}

const ORIGIN = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/;

export function createServerOrigin({
  env,
  storage,
  fixed,
}: {
  env: Env;
  storage: DeviceStorage;
  /** An origin chosen by the caller (tests): then nothing else is used. */
  fixed?: string;
}): ServerOrigin {
  const changeable = () => fixed === undefined && env.envVersion() === 'develop';
  const current = () =>
    fixed ??
    (changeable() ? storage.getDevOrigin() : undefined) ??
    config.origins[env.envVersion()];
  return {
    current,
    base() {
      const corpId = storage.getCorp();
      const origin = current().replace(/\/+$/, '');
      return corpId === undefined ? origin : `${origin}/corps/${corpId}`;
    },
    changeable,
    set(origin) {
      const trimmed = origin.trim().replace(/\/+$/, '');
      if (!changeable() || (trimmed !== '' && !ORIGIN.test(trimmed))) return false;
      if (trimmed === '') storage.clearDevOrigin();
      else storage.setDevOrigin(trimmed);
      storage.clearToken();
      storage.clearDemoUser();
      storage.clearCorp();
      return true;
    },
  };
}
