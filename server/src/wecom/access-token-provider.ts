import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CredentialName } from '../config';
import type { Store } from '../stores/store';
import { apiPaths } from './api-paths';
import { CREDENTIAL_REFUSED } from './errcodes';
import { WecomApiError, WecomUnavailableError } from './errors';
import { createExpiringCache, type ExpiringCache } from './expiring-cache';
import type { WecomHttp } from './http';
import type { RefreshSchedule } from './refresh-schedule';
import { gettokenSchema } from './schemas';

/**
 * Access tokens: one per (corpid, secret), kept in the store under a hash of the secret, fetched
 * at most once at a time across every process (see expiring-cache.ts). A gettoken refused for a
 * credential reason (40001, 40013, 40091, …) is remembered for a minute so that requests fail
 * fast instead of repeating a wrong secret (WeCom bans the IP for an hour after many).
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
  /** Refresh ahead of expiry (see expiring-cache.ts); none without. */
  schedule?: RefreshSchedule;
  pollMs?: number;
  failureTtlMs?: number;
  onRefresh?: (credential: CredentialName) => void;
  /**
   * How a token is fetched when not with gettoken and the credential's secret: a third-party
   * app's corp token comes from its suite (`service/get_corp_token`, wecom/provider-api.ts).
   */
  request?: (credential: CredentialName) => Promise<{ access_token: string; expires_in: number }>;
}

const storedFailureSchema = z.object({ errcode: z.number(), errmsg: z.string() });

/**
 * gettoken with one secret (`probe`: WeCom's first answer, see http.ts). The token provider caches
 * its answers; the doctor asks each secret once per run and keeps nothing.
 */
export function requestAccessToken(
  http: WecomHttp,
  request: { corpId: string; credential: CredentialName; secret: string; probe?: boolean },
): Promise<z.infer<typeof gettokenSchema>> {
  return http.call({
    api: apiPaths.gettoken,
    query: { corpid: request.corpId, corpsecret: request.secret },
    schema: gettokenSchema,
    credential: request.credential,
    probe: request.probe,
  });
}

export function createAccessTokenProvider(deps: AccessTokenProviderDeps): AccessTokenProvider {
  const { http, corpId, secrets, logger, onRefresh = () => {} } = deps;

  function cacheOf(credential: CredentialName): ExpiringCache {
    const secretHash = createHash('sha256')
      .update(`${corpId}\n${secrets[credential]}`)
      .digest('base64url')
      .slice(0, 22);
    return createExpiringCache({
      store: deps.store,
      key: `token:${corpId}:${secretHash}`,
      fetchTimeoutMs: deps.timeoutMs * 2,
      marginSeconds: deps.marginSeconds,
      schedule: deps.schedule,
      onRefreshFailed: (error) =>
        logger.warn(
          { credential, err: error },
          'access token refresh ahead of expiry failed; the current one stays in use',
        ),
      pollMs: deps.pollMs,
      failureTtlMs: deps.failureTtlMs,
      now: deps.now,
      async fetch() {
        onRefresh(credential);
        const answer = deps.request
          ? await deps.request(credential)
          : await requestAccessToken(http, { corpId, credential, secret: secrets[credential] });
        logger.info({ credential, expiresIn: answer.expires_in }, 'access token refreshed');
        return { value: answer.access_token, expiresIn: answer.expires_in };
      },
      rememberFailure(error) {
        if (!(error instanceof WecomApiError && CREDENTIAL_REFUSED.has(error.errcode)))
          return undefined;
        logger.error(
          { credential, errcode: error.errcode },
          'gettoken refused the credential; not retrying',
        );
        return JSON.stringify({ errcode: error.errcode, errmsg: error.errmsg });
      },
      failureOf: (stored) =>
        new WecomApiError({
          api: apiPaths.gettoken,
          credential,
          ...storedFailureSchema.parse(JSON.parse(stored)),
        }),
      onBusy: () =>
        new WecomUnavailableError(
          apiPaths.gettoken,
          'busy',
          'another instance holds the refresh lock',
        ),
    });
  }
  const caches = new Map(
    (Object.keys(secrets) as CredentialName[]).map((credential) => [
      credential,
      cacheOf(credential),
    ]),
  );
  const cacheFor = (credential: CredentialName) => caches.get(credential)!;

  return {
    async get(credential) {
      const { value, fromCache, raw } = await cacheFor(credential).get();
      return { credential, token: value, fromCache, raw };
    },
    async invalidate(failed) {
      const deleted = await cacheFor(failed.credential).invalidate({
        value: failed.token,
        fromCache: failed.fromCache,
        raw: failed.raw,
      });
      logger.info({ credential: failed.credential, deleted }, 'access token invalidated');
      return deleted;
    },
  };
}
