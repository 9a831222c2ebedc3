import { type CredentialName, type WecomConfig, withoutCredentials } from '../config';
import { requestAccessToken } from './access-token-provider';
import { createWecomAddressBook, type WecomAddressBook } from './address-book';
import { createWecomApi, type WecomApi } from './api';
import { API_PREFIX, apiPaths } from './api-paths';
import type { WecomClient } from './client';
import { WecomApiError } from './errors';
import type { WecomHttp } from './http';
import { callbackIpSchema } from './schemas';

/**
 * WeCom as the doctor must see it: every call is made once and WeCom's first answer is the
 * result (no retry of errcode -1 or a network failure, no token refresh), and access tokens are
 * asked for afresh with each credential's secret and kept by the caller, never cached — so a
 * gettoken failure the token cache remembers never hides a fix an admin just made, and a wrong
 * secret is sent once per probe, never in a loop. The typed calls are the server's own.
 */
export interface WecomProbe {
  /** The URL `pingApiBase` asks (credentials in WECOM_API_BASE masked), for the report. */
  readonly pingUrl: string;
  /**
   * getcallbackip without an access token, so no secret is sent: WeCom's errcode (41001), or
   * `WecomUnavailableError` when what answers at WECOM_API_BASE is not WeCom.
   */
  pingApiBase(): Promise<number>;
  /** gettoken with the secret of `credential`: the token, which the caller must never show. */
  accessToken(credential: CredentialName): Promise<string>;
  /**
   * The typed calls, each made with the token `tokenOf` gives for its credential (`tokenOf` throws
   * to refuse a call); `onAnswer` learns how each call ended (its error, or none).
   */
  withTokens(
    tokenOf: (credential: CredentialName) => string,
    onAnswer?: (error?: unknown) => void,
  ): ProbeCalls;
}

export interface ProbeCalls {
  api: WecomApi;
  addressBook: WecomAddressBook;
}

export function createWecomProbe(deps: {
  http: WecomHttp;
  wecom: Pick<WecomConfig, 'corpId' | 'secrets' | 'apiBase'>;
}): WecomProbe {
  const { http, wecom } = deps;
  return {
    pingUrl: `${withoutCredentials(wecom.apiBase)}${API_PREFIX}${apiPaths.getCallbackIp}`,
    async pingApiBase() {
      try {
        await http.call({ api: apiPaths.getCallbackIp, schema: callbackIpSchema, probe: true });
        return 0;
      } catch (error) {
        if (error instanceof WecomApiError) return error.errcode;
        throw error;
      }
    },
    async accessToken(credential) {
      const answer = await requestAccessToken(http, {
        corpId: wecom.corpId,
        credential,
        secret: wecom.secrets[credential],
        probe: true,
      });
      return answer.access_token;
    },
    withTokens(tokenOf, onAnswer = () => {}) {
      const client: WecomClient = {
        async call(credential, request) {
          const accessToken = tokenOf(credential);
          try {
            const data = await http.call({ ...request, credential, accessToken, probe: true });
            onAnswer();
            return data;
          } catch (error) {
            onAnswer(error);
            throw error;
          }
        },
      };
      return { api: createWecomApi({ client }), addressBook: createWecomAddressBook({ client }) };
    },
  };
}
