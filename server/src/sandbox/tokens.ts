import { randomBytes } from 'node:crypto';

/** Access tokens: each gettoken issues a new one; expiry by the clock; early invalidation. */

export interface TokenRecord<App> {
  app: App;
  expiresAt: number;
}

export type TokenCheck<App> =
  | { ok: true; app: App }
  | { ok: false; errcode: 40014 | 41001 | 42001 };

export interface TokenStore<App> {
  issue(app: App): { token: string; expiresIn: number };
  check(token: string | undefined): TokenCheck<App>;
  invalidateAll(): void;
  /** Every live token of `app` answers 40014 from now on (an app uninstalled). */
  revoke(app: App): void;
}

const MAX_TOKENS = 10_000;

export function createTokenStore<App>(deps: {
  now: () => number;
  ttlSeconds: number;
}): TokenStore<App> {
  const tokens = new Map<string, TokenRecord<App>>();
  // Tokens that expired and were pruned still answer 42001, not 40014.
  const expired = new Set<string>();

  function prune(): void {
    const now = deps.now();
    for (const [token, record] of tokens) {
      if (record.expiresAt <= now) {
        tokens.delete(token);
        if (expired.size < MAX_TOKENS) expired.add(token);
      }
    }
    // Still too many live tokens: forget the oldest (WeCom would have rate-limited long before).
    for (const token of tokens.keys()) {
      if (tokens.size <= MAX_TOKENS / 2) break;
      tokens.delete(token);
    }
  }

  return {
    issue(app) {
      if (tokens.size >= MAX_TOKENS) prune();
      const token = randomBytes(48).toString('base64url');
      tokens.set(token, { app, expiresAt: deps.now() + deps.ttlSeconds * 1000 });
      return { token, expiresIn: deps.ttlSeconds };
    },
    check(token) {
      if (!token) return { ok: false, errcode: 41001 };
      const record = tokens.get(token);
      if (!record) return { ok: false, errcode: expired.has(token) ? 42001 : 40014 };
      if (record.expiresAt <= deps.now()) return { ok: false, errcode: 42001 };
      return { ok: true, app: record.app };
    },
    invalidateAll() {
      tokens.clear();
      expired.clear();
    },
    revoke(app) {
      for (const [token, record] of tokens) if (record.app === app) tokens.delete(token);
    },
  };
}
