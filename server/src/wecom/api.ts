import type { WecomClient } from './client';
import { type Jscode2session, jscode2sessionGuard, userGuard, type WecomUser } from './guards';

/** Typed WeCom calls used by the routes; each names the credential it needs. */
export interface WecomApi {
  jscode2session(code: string): Promise<Jscode2session>;
  getUser(userid: string): Promise<WecomUser>;
}

export function createWecomApi(deps: { client: WecomClient }): WecomApi {
  const { client } = deps;
  return {
    jscode2session: (code) =>
      client.call('app', {
        api: 'miniprogram/jscode2session',
        query: { js_code: code, grant_type: 'authorization_code' },
        guard: jscode2sessionGuard,
      }),
    getUser: (userid) =>
      client.call('directory', { api: 'user/get', query: { userid }, guard: userGuard }),
  };
}
