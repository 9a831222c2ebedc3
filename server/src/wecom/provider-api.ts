import { z } from 'zod';
import { apiPaths } from './api-paths';
import type { WecomHttp } from './http';
import { gettokenSchema } from './schemas';

/**
 * A service provider's calls for one suite (a 代开发 template or a third-party app): the suite's
 * own token from its latest suite_ticket, the pre-auth code of an install link, the permanent
 * code of a corp that installed the suite, that corp's access token (third-party apps) and the
 * mini-program login of a third-party app. Every call but the first carries the suite_access_token.
 * With the provider's own ProviderSecret: its provider_access_token, and the interface licences
 * (接口许可) of the corps that installed its suites.
 */

const suiteTokenSchema = z.object({
  suite_access_token: z.string().min(1).max(512),
  expires_in: z.number().int().positive(),
});

const preAuthCodeSchema = z.object({
  pre_auth_code: z.string().min(1).max(512),
  expires_in: z.number().int().positive(),
});

const authCorpSchema = z.object({
  corpid: z.string().min(1).max(64),
  corp_name: z.string().max(200).optional(),
});

const authInfoSchema = z
  .object({
    agent: z
      .array(z.object({ agentid: z.coerce.string(), name: z.string().optional() }))
      .max(100)
      .optional(),
  })
  .optional();

const permanentCodeSchema = z.object({
  permanent_code: z.string().min(1).max(512),
  auth_corp_info: authCorpSchema,
  auth_info: authInfoSchema,
});

const authInfoAnswerSchema = z.object({
  auth_corp_info: authCorpSchema,
  auth_info: authInfoSchema,
});

const suiteSessionSchema = z.object({
  corpid: z.string().min(1),
  userid: z.string().min(1),
  session_key: z.string().min(1),
  open_userid: z.string().min(1).max(128).optional(),
});

const providerTokenSchema = z.object({
  provider_access_token: z.string().min(1).max(512),
  expires_in: z.number().int().positive(),
});

const appLicenceSchema = z.object({
  /** 1: WeCom checks licences for the app in the corp; 0: not (yet). */
  license_status: z.number().int(),
  /** WeCom's spelling. Only with license_status 1 and a trial. */
  trail_info: z.object({ start_time: z.number(), end_time: z.number() }).optional(),
  /** When calls without a licence started (or start) being refused, in seconds. */
  license_check_time: z.number().optional(),
});

const licenceAccountsSchema = z.object({
  has_more: z.number().int().optional(),
  account_list: z
    .array(
      z.object({
        type: z.number().int(),
        expire_time: z.number(),
      }),
    )
    .max(1000)
    .default([]),
});

export type PermanentCode = z.infer<typeof permanentCodeSchema>;
export type AppLicence = z.infer<typeof appLicenceSchema>;
export type LicenceAccounts = z.infer<typeof licenceAccountsSchema>;
export type SuiteSession = z.infer<typeof suiteSessionSchema>;

export interface ProviderApi {
  getSuiteToken(request: {
    suiteId: string;
    secret: string;
    ticket: string;
  }): Promise<{ token: string; expiresIn: number }>;
  getPreAuthCode(suiteToken: string): Promise<{ code: string; expiresIn: number }>;
  getPermanentCode(suiteToken: string, authCode: string): Promise<PermanentCode>;
  getAuthInfo(
    suiteToken: string,
    corp: { corpId: string; permanentCode: string },
  ): Promise<z.infer<typeof authInfoAnswerSchema>>;
  getCorpToken(
    suiteToken: string,
    corp: { corpId: string; permanentCode: string },
  ): Promise<{ token: string; expiresIn: number }>;
  jscode2session(suiteToken: string, code: string): Promise<SuiteSession>;
  getProviderToken(request: {
    corpId: string;
    secret: string;
  }): Promise<{ token: string; expiresIn: number }>;
  getAppLicenceInfo(
    providerToken: string,
    app: { corpId: string; suiteId: string },
  ): Promise<AppLicence>;
  /** The first 1,000 activated licence accounts of a corp (`has_more` 1 when there are more). */
  listLicenceAccounts(providerToken: string, corpId: string): Promise<LicenceAccounts>;
}

/** Accounts read in one page (WeCom's most). */
const ACCOUNTS_PAGE = 1000;

export function createProviderApi(http: WecomHttp): ProviderApi {
  return {
    async getSuiteToken({ suiteId, secret, ticket }) {
      const answer = await http.call({
        api: apiPaths.getSuiteToken,
        method: 'POST',
        body: { suite_id: suiteId, suite_secret: secret, suite_ticket: ticket },
        schema: suiteTokenSchema,
      });
      return { token: answer.suite_access_token, expiresIn: answer.expires_in };
    },
    async getPreAuthCode(suiteToken) {
      const answer = await http.call({
        api: apiPaths.getPreAuthCode,
        query: { suite_access_token: suiteToken },
        schema: preAuthCodeSchema,
      });
      return { code: answer.pre_auth_code, expiresIn: answer.expires_in };
    },
    getPermanentCode: (suiteToken, authCode) =>
      http.call({
        api: apiPaths.getPermanentCode,
        method: 'POST',
        query: { suite_access_token: suiteToken },
        body: { auth_code: authCode },
        schema: permanentCodeSchema,
      }),
    getAuthInfo: (suiteToken, corp) =>
      http.call({
        api: apiPaths.getAuthInfo,
        method: 'POST',
        query: { suite_access_token: suiteToken },
        body: { auth_corpid: corp.corpId, permanent_code: corp.permanentCode },
        schema: authInfoAnswerSchema,
      }),
    async getCorpToken(suiteToken, corp) {
      const answer = await http.call({
        api: apiPaths.getCorpToken,
        method: 'POST',
        query: { suite_access_token: suiteToken },
        body: { auth_corpid: corp.corpId, permanent_code: corp.permanentCode },
        schema: gettokenSchema,
      });
      return { token: answer.access_token, expiresIn: answer.expires_in };
    },
    jscode2session: (suiteToken, code) =>
      http.call({
        api: apiPaths.suiteJscode2session,
        query: { suite_access_token: suiteToken, js_code: code, grant_type: 'authorization_code' },
        schema: suiteSessionSchema,
      }),
    async getProviderToken({ corpId, secret }) {
      const answer = await http.call({
        api: apiPaths.getProviderToken,
        method: 'POST',
        body: { corpid: corpId, provider_secret: secret },
        schema: providerTokenSchema,
      });
      return { token: answer.provider_access_token, expiresIn: answer.expires_in };
    },
    getAppLicenceInfo: (providerToken, app) =>
      http.call({
        api: apiPaths.getAppLicenceInfo,
        method: 'POST',
        query: { provider_access_token: providerToken },
        body: { corpid: app.corpId, suite_id: app.suiteId },
        schema: appLicenceSchema,
      }),
    listLicenceAccounts: (providerToken, corpId) =>
      http.call({
        api: apiPaths.listLicenceAccounts,
        method: 'POST',
        query: { provider_access_token: providerToken },
        body: { corpid: corpId, limit: ACCOUNTS_PAGE },
        schema: licenceAccountsSchema,
      }),
  };
}
