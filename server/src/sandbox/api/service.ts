import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CodeStore } from '../codes';
import type { AppRuntime } from '../corp';
import type { CorpWorld } from '../corp-world';
import type { Authorization, Provider } from '../provider';
import type { TokenStore } from '../tokens';
import { parseBody } from './cursor';
import { encryptedUserid } from './miniprogram';
import type { Answer, ApiRoute } from './types';
import { WecomError } from './types';

/**
 * The provider's APIs (below /cgi-bin/service/): get_suite_token (suite_id, suite_secret and a
 * pushed suite_ticket), then with the suite_access_token get_pre_auth_code, get_permanent_code,
 * get_corp_token, get_auth_info and the third-party mini-program login
 * (service/miniprogram/jscode2session).
 */

export interface ServiceDeps {
  provider: Provider;
  codes: CodeStore;
  corps: ReadonlyMap<string, CorpWorld>;
  /** The corps' access tokens (get_corp_token issues one of the installed app). */
  tokens: TokenStore<AppRuntime>;
}

const PRE_AUTH_CODE_TTL_SECONDS = 1200;
/** What WeCom shows as the corp's licensed size in auth_corp_info. */
const CORP_USER_MAX = 200;

const suiteTokenBody = z.object({
  suite_id: z.string().max(128).optional(),
  suite_secret: z.string().max(256).optional(),
  suite_ticket: z.string().max(512).optional(),
});
const authCodeBody = z.object({ auth_code: z.string().max(512).optional() });
const corpBody = z.object({
  auth_corpid: z.string().max(128).optional(),
  permanent_code: z.string().max(512).optional(),
});

export function serviceRoutes(deps: ServiceDeps): ApiRoute[] {
  const { provider } = deps;
  const suiteOf = (suiteId: string | undefined) => {
    const suite = suiteId === undefined ? undefined : provider.suite(suiteId);
    if (!suite) throw new WecomError(40082);
    return suite;
  };

  function authCorpInfo(auth: Authorization): Answer {
    const { seed } = deps.corps.get(auth.corpId)!.corp;
    return {
      corpid: auth.corpId,
      corp_name: seed.corpName,
      corp_type: 'verified',
      corp_square_logo_url: '',
      corp_user_max: CORP_USER_MAX,
      corp_full_name: seed.corpName,
      subject_type: 1,
      verified_end_time: 0,
      corp_wxqrcode: '',
      corp_scale: '1-50人',
      corp_industry: 'IT服务',
      corp_sub_industry: '计算机软件/硬件/信息服务',
    };
  }
  function authInfo(auth: Authorization): Answer {
    return {
      agent: [
        {
          agentid: Number(auth.app.agentid),
          name: auth.suite.name,
          round_logo_url: '',
          square_logo_url: '',
          auth_mode: 0,
          is_customized_app: auth.suite.kind === 'custom',
          privilege: {
            level: 1,
            allow_party: [1],
            allow_user: [],
            allow_tag: [],
            extra_party: [],
            extra_user: [],
            extra_tag: [],
          },
        },
      ],
    };
  }
  /** The authorisation of `auth_corpid` with its current `permanent_code`, else 40084. */
  function authorized(suiteId: string, body: unknown): Authorization {
    const input = parseBody(corpBody, body);
    if (!input.auth_corpid) throw new WecomError(41002);
    if (!input.permanent_code) throw new WecomError(41025);
    const auth = provider.authorization(suiteId, input.auth_corpid, input.permanent_code);
    if (!auth) throw new WecomError(40084);
    return auth;
  }
  const corpToken = (auth: Authorization) => {
    const { token, expiresIn } = deps.tokens.issue(auth.app);
    return { access_token: token, expires_in: expiresIn };
  };

  return [
    {
      api: 'service/get_suite_token',
      method: 'POST',
      auth: false,
      empty: { suite_access_token: '', expires_in: 0 },
      handle({ body }) {
        const input = parseBody(suiteTokenBody, body);
        if (!input.suite_id) throw new WecomError(41021);
        if (!input.suite_secret) throw new WecomError(41024);
        if (!input.suite_ticket) throw new WecomError(41023);
        const suite = provider.suite(input.suite_id);
        if (!suite) throw new WecomError(40083);
        if (input.suite_secret !== suite.suiteSecret) throw new WecomError(40080);
        if (!provider.ticketValid(suite.suiteId, input.suite_ticket)) throw new WecomError(40085);
        const { token, expiresIn } = provider.suiteTokens.issue(suite);
        return { suite_access_token: token, expires_in: expiresIn };
      },
    },
    {
      api: 'service/get_pre_auth_code',
      method: 'GET',
      auth: 'suite',
      empty: { pre_auth_code: '', expires_in: 0 },
      handle({ suiteId }) {
        const suite = suiteOf(suiteId);
        return {
          pre_auth_code: provider.issuePreAuthCode(suite.suiteId),
          expires_in: PRE_AUTH_CODE_TTL_SECONDS,
        };
      },
    },
    {
      api: 'service/get_permanent_code',
      method: 'POST',
      auth: 'suite',
      handle({ suiteId, body }) {
        const suite = suiteOf(suiteId);
        const input = parseBody(authCodeBody, body);
        if (!input.auth_code) throw new WecomError(41008);
        const auth = provider.exchangeAuthCode(suite.suiteId, input.auth_code);
        if (!auth?.permanentCode) throw new WecomError(40078);
        const installer = deps.corps.get(auth.corpId)!.corp.employees.get(auth.installer);
        return {
          ...corpToken(auth),
          permanent_code: auth.permanentCode,
          auth_corp_info: authCorpInfo(auth),
          auth_info: authInfo(auth),
          auth_user_info: {
            userid: auth.installer,
            open_userid: provider.openUserid(auth.corpId, auth.installer),
            name: installer?.name ?? '',
            avatar: '',
          },
        };
      },
    },
    {
      api: 'service/get_corp_token',
      method: 'POST',
      auth: 'suite',
      empty: { access_token: '', expires_in: 0 },
      handle: ({ suiteId, body }) => corpToken(authorized(suiteOf(suiteId).suiteId, body)),
    },
    {
      api: 'service/get_auth_info',
      method: 'POST',
      auth: 'suite',
      handle({ suiteId, body }) {
        const auth = authorized(suiteOf(suiteId).suiteId, body);
        return { auth_corp_info: authCorpInfo(auth), auth_info: authInfo(auth) };
      },
    },
    {
      // Third-party apps only: a 代开发 app logs in with its own token (miniprogram/jscode2session).
      api: 'service/miniprogram/jscode2session',
      method: 'GET',
      auth: 'suite',
      handle({ suiteId, query }) {
        const suite = suiteOf(suiteId);
        if (suite.kind !== 'third-party') throw new WecomError(40082);
        if (query.grant_type !== 'authorization_code') throw new WecomError(40058);
        if (!query.js_code) throw new WecomError(41008);
        const code = deps.codes.consume(query.js_code);
        if (!code) throw new WecomError(40029);
        const sessionKey = randomBytes(16).toString('base64');
        deps.corps.get(code.corpId)?.sessionKeys.set(code.userid, sessionKey);
        // Plain userid where the suite is installed (WeCom's is then the corp's own userid
        // too, for apps created before the ID upgrade); encrypted where it is not.
        const installed = provider.installedIn(suite.suiteId, code.corpId) !== undefined;
        return {
          corpid: code.corpId,
          userid: installed ? code.userid : encryptedUserid(code.corpId, code.userid),
          session_key: sessionKey,
          open_userid: provider.openUserid(code.corpId, code.userid),
        };
      },
    },
  ];
}
