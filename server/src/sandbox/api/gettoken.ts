import { foreignApp } from '../corp';
import type { ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/** GET /cgi-bin/gettoken?corpid&corpsecret. Not gated by the IP allow-list. */
export function gettokenRoute(deps: ApiDeps): ApiRoute {
  const { seed } = deps.corp;
  return {
    api: 'gettoken',
    method: 'GET',
    auth: false,
    handle({ query }) {
      // No trimming: a stray space in a copied corpid or secret fails as it does on WeCom.
      const corpid = query.corpid;
      const secret = query.corpsecret;
      if (!corpid) throw new WecomError(41002);
      if (!secret) throw new WecomError(41004);
      const elsewhere = (s: string) =>
        deps.corp.appsBySecret.has(s) || deps.isSecretOfAnotherCorp(s);
      if (corpid === seed.otherCorp.corpId) {
        if (secret !== seed.otherCorp.secret)
          throw new WecomError(elsewhere(secret) ? 40091 : 40001);
        return issue(deps, foreignApp(corpid));
      }
      if (corpid !== seed.corpId) throw new WecomError(40013);
      const app = deps.corp.appsBySecret.get(secret);
      if (app) return issue(deps, app);
      const foreign = secret === seed.otherCorp.secret || deps.isSecretOfAnotherCorp(secret);
      throw new WecomError(foreign ? 40091 : 40001);
    },
  };
}

function issue(deps: ApiDeps, app: Parameters<ApiDeps['tokens']['issue']>[0]) {
  const { token, expiresIn } = deps.tokens.issue(app);
  return { access_token: token, expires_in: expiresIn };
}
