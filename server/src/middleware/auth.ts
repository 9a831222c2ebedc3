import type { Middleware } from 'koa';
import type { SessionTokens } from '../auth/jwt';
import { RequestError } from '../errors/request-error';
import type { SessionStore } from '../stores/session-store';
import type { AppState } from './state';

export function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer ([\w.~+/=-]{1,4096})$/i.exec(authorization.trim());
  return match?.[1];
}

/**
 * Employee auth: a valid token (else `auth.unauthenticated`) naming a live session (else
 * `auth.session_expired`, which tells the mini-program to log in again).
 */
export function requireEmployee(deps: {
  tokens: SessionTokens;
  sessions: SessionStore;
}): Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'));
    if (!token) throw new RequestError('auth.unauthenticated');
    const claims = deps.tokens.verify(token);
    const session = await deps.sessions.find(claims.sid);
    if (!session || session.userid !== claims.sub) throw new RequestError('auth.session_expired');
    ctx.state.session = session;
    await next();
  };
}
