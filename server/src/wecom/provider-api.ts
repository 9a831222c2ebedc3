import { z } from 'zod';
import { apiPaths } from './api-paths';
import type { WecomHttp } from './http';
import { gettokenSchema } from './schemas';

/**
 * A service provider's calls for one suite (a 代开发 template or a third-party app): the suite's
 * own token from its latest suite_ticket, the pre-auth code of an install link, the permanent
 * code of a corp that installed the suite, that corp's access token (third-party apps) and the
 * mini-program login of a third-party app. Every call but the first carries the suite_access_token.
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
  open_userid: z.string().optional(),
});

export type PermanentCode = z.infer<typeof permanentCodeSchema>;
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
}

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
  };
}
