import { createHash, randomBytes } from 'node:crypto';
import type { ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/** GET /cgi-bin/miniprogram/jscode2session. */
export function jscode2sessionRoute(deps: ApiDeps): ApiRoute {
  return {
    api: 'miniprogram/jscode2session',
    method: 'GET',
    auth: true,
    handle({ query, app }) {
      // errdoc 40014 item 3: a token of a non-mini-program app type in the login flow.
      if (app.key === 'directory-sync') throw new WecomError(40014);
      if (!app.associated) throw new WecomError(48002);
      if (query.grant_type !== 'authorization_code') throw new WecomError(40058);
      if (!query.js_code) throw new WecomError(41008);
      const code = deps.codes.consume(query.js_code);
      if (!code) throw new WecomError(40029);
      const sessionKey = randomBytes(16).toString('base64');
      // The key is remembered for the employee of the code's corp when the simulator plays it.
      (deps.sessionKeysOf(code.corpId) ?? deps.sessionKeys).set(code.userid, sessionKey);
      const foreign = code.corpId !== deps.corp.seed.corpId;
      return {
        corpid: code.corpId,
        userid: foreign ? encryptedUserid(code.corpId, code.userid) : code.userid,
        session_key: sessionKey,
        deviceid: '',
      };
    },
  };
}

/** What WeCom shows for a user of a corp that has not installed the mini-program: `wo…`. */
export function encryptedUserid(corpId: string, userid: string): string {
  return `wo${createHash('sha256').update(`${corpId}:${userid}`).digest('base64url').slice(0, 30)}`;
}
