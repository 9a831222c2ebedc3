import type { CredentialName } from '../config';
import type { AccessToken, AccessTokenProvider } from './access-token-provider';
import { CACHED_TOKEN_REJECTED, TOKEN_REJECTED } from './errcodes';
import { WecomApiError } from './errors';
import type { WecomHttp, WecomRequest } from './http';

/**
 * Authorised WeCom calls: adds the access token of the given credential and, when WeCom says
 * the token is bad (40014/42001, or 40001 on a token read from the cache), deletes that token
 * only if it is still the cached one, fetches a fresh one and retries the call once.
 */
export interface WecomClient {
  call<T>(
    credential: CredentialName,
    request: Omit<WecomRequest<T>, 'credential' | 'accessToken'>,
  ): Promise<T>;
}

export function createWecomClient(deps: {
  http: WecomHttp;
  accessTokens: AccessTokenProvider;
}): WecomClient {
  const { http, accessTokens } = deps;

  const tokenWasBad = (error: unknown, used: AccessToken): boolean =>
    error instanceof WecomApiError &&
    (TOKEN_REJECTED.has(error.errcode) ||
      (CACHED_TOKEN_REJECTED.has(error.errcode) && used.fromCache));

  return {
    async call(credential, request) {
      const first = await accessTokens.get(credential);
      try {
        return await http.call({ ...request, credential, accessToken: first.token });
      } catch (error) {
        if (!tokenWasBad(error, first)) throw error;
        await accessTokens.invalidate(first);
        const fresh = await accessTokens.get(credential);
        return http.call({ ...request, credential, accessToken: fresh.token });
      }
    },
  };
}
