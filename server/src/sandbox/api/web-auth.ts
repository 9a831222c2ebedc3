import type { AppRuntime } from '../corp';
import type { ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/**
 * `auth/getuserinfo` (a web login code → a member's `userid`, or an outsider's `openid`, with the
 * token of the app the login was for), `get_jsapi_ticket` (the corp's) and
 * `ticket/get?type=agent_config` (the token's app's).
 */
export function webAuthRoutes(deps: ApiDeps): ApiRoute[] {
  const { seed } = deps.corp;
  const ownApp = (app: AppRuntime) => app.corpId === seed.corpId && app.agentid !== undefined;
  return [
    {
      api: 'auth/getuserinfo',
      method: 'GET',
      auth: true,
      empty: {},
      handle({ query, app }) {
        if (!ownApp(app)) throw new WecomError(48002);
        if (!query.code) throw new WecomError(41008);
        const login = deps.oauthCodes.consume(query.code);
        if (!login || login.agentid !== app.agentid) throw new WecomError(40029);
        if ('userid' in login.identity) return { userid: login.identity.userid };
        return { openid: login.identity.openid };
      },
    },
    {
      api: 'get_jsapi_ticket',
      method: 'GET',
      auth: true,
      empty: { ticket: '', expires_in: 0 },
      handle({ app }) {
        if (app.corpId !== seed.corpId) throw new WecomError(48002);
        const { ticket, expiresIn } = deps.tickets.issue('corp');
        return { ticket, expires_in: expiresIn };
      },
    },
    {
      api: 'ticket/get',
      method: 'GET',
      auth: true,
      empty: { ticket: '', expires_in: 0 },
      handle({ query, app }) {
        if (query.type !== 'agent_config') throw new WecomError(40058);
        if (!ownApp(app)) throw new WecomError(40056);
        const { ticket, expiresIn } = deps.tickets.issue('agent', app.agentid);
        return { ticket, expires_in: expiresIn };
      },
    },
  ];
}
