import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CredentialName } from '../config';
import { createSingleFlight, onceAcrossInstances } from '../stores/once';
import type { Store } from '../stores/store';
import { CREDENTIAL_REFUSED } from './errcodes';
import { WecomApiError, WecomUnavailableError } from './errors';
import type { WecomHttp } from './http';

/**
 * Access tokens: one cached token per (corpid, secret) in the store, keyed by a hash
 * of the secret. At most one gettoken at a time across every process sharing the store:
 * in-process single flight, then a store lock with an owner value, re-checking the cache after
 * taking it. A gettoken refused for a credential reason (40001, 40013, 40091, …) is remembered
 * for a minute so that requests fail fast instead of repeating a wrong secret (WeCom bans the IP
 * for an hour after many).
 */

export interface AccessToken {
  credential: CredentialName;
  token: string;
  /** True when read from the cache rather than fetched by this call. */
  fromCache: boolean;
  /** The stored value, for compare-and-delete. */
  raw: string;
}

export interface AccessTokenProvider {
  get(credential: CredentialName): Promise<AccessToken>;
  /** Deletes the cached token only if it is still `failed` (another process may have refreshed). */
  invalidate(failed: AccessToken): Promise<boolean>;
}

export interface AccessTokenProviderDeps {
  http: WecomHttp;
  store: Store;
  corpId: string;
  secrets: Readonly<Record<CredentialName, string>>;
  logger: Logger;
  timeoutMs: number;
  now?: () => number;
  /** Seconds cut from `expires_in`. */
  marginSeconds?: number;
  pollMs?: number;
  failureTtlMs?: number;
  onRefresh?: (credential: CredentialName) => void;
}

const gettokenSchema = z.object({
  access_token: z.string().min(1).max(512),
  expires_in: z.number().int().positive(),
});

const storedTokenSchema = z.object({ token: z.string(), expiresAt: z.number() });
const storedFailureSchema = z.object({ errcode: z.number(), errmsg: z.string() });

export function createAccessTokenProvider(deps: AccessTokenProviderDeps): AccessTokenProvider {
  const {
    http,
    store,
    corpId,
    secrets,
    logger,
    timeoutMs,
    now = Date.now,
    marginSeconds = 300,
    pollMs = 25,
    failureTtlMs = 60_000,
    onRefresh = () => {},
  } = deps;
  const lockTtlMs = timeoutMs * 2 + 1000;
  const waitTimeoutMs = lockTtlMs + 1000;
  const refreshes = createSingleFlight<AccessToken>();

  const keysByCredential = new Map(
    (Object.keys(secrets) as CredentialName[]).map((credential) => {
      const secretHash = createHash('sha256')
        .update(`${corpId}\n${secrets[credential]}`)
        .digest('base64url')
        .slice(0, 22);
      const base = `token:${corpId}:${secretHash}`;
      return [credential, { token: base, lock: `${base}:lock`, failure: `${base}:failure` }];
    }),
  );
  const keysOf = (credential: CredentialName) => keysByCredential.get(credential)!;

  function fromStored(credential: CredentialName, raw: string, fromCache: boolean): AccessToken {
    const stored = storedTokenSchema.parse(JSON.parse(raw));
    return { credential, token: stored.token, fromCache, raw };
  }

  function rememberedFailure(credential: CredentialName, raw: string): WecomApiError {
    const failure = storedFailureSchema.parse(JSON.parse(raw));
    return new WecomApiError({ api: 'gettoken', credential, ...failure });
  }

  async function fetchAndStore(
    credential: CredentialName,
    keys: ReturnType<typeof keysOf>,
  ): Promise<AccessToken> {
    onRefresh(credential);
    try {
      const answer = await http.call({
        api: 'gettoken',
        query: { corpid: corpId, corpsecret: secrets[credential] },
        schema: gettokenSchema,
        credential,
      });
      const ttlSeconds = Math.max(answer.expires_in - marginSeconds, answer.expires_in / 2);
      const raw = JSON.stringify({
        token: answer.access_token,
        expiresAt: now() + answer.expires_in * 1000,
      });
      await store.set(keys.token, raw, Math.floor(ttlSeconds * 1000));
      logger.info({ credential, expiresIn: answer.expires_in }, 'access token refreshed');
      return fromStored(credential, raw, false);
    } catch (error) {
      if (error instanceof WecomApiError && CREDENTIAL_REFUSED.has(error.errcode)) {
        const failure = JSON.stringify({ errcode: error.errcode, errmsg: error.errmsg });
        await store.set(keys.failure, failure, failureTtlMs);
        logger.error(
          { credential, errcode: error.errcode },
          'gettoken refused the credential; not retrying',
        );
      }
      throw error;
    }
  }

  function obtain(credential: CredentialName): Promise<AccessToken> {
    const keys = keysOf(credential);
    return onceAcrossInstances({
      store,
      lockKey: keys.lock,
      lockTtlMs,
      waitMs: waitTimeoutMs,
      pollMs,
      now,
      read: async () => {
        const [cached, failure] = await store.getMany([keys.token, keys.failure]);
        if (cached) return fromStored(credential, cached, true);
        if (failure) throw rememberedFailure(credential, failure);
        return undefined;
      },
      produce: () => fetchAndStore(credential, keys),
      onTimeout: () =>
        new WecomUnavailableError('gettoken', 'busy', 'another instance holds the refresh lock'),
    });
  }

  return {
    get: (credential) =>
      refreshes
        .run(keysOf(credential).token, () => obtain(credential))
        .then((token) => ({ ...token, credential })),
    async invalidate(failed) {
      const deleted = await store.deleteIfEquals(keysOf(failed.credential).token, failed.raw);
      logger.info({ credential: failed.credential, deleted }, 'access token invalidated');
      return deleted;
    },
  };
}
