import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { LRUCache } from 'lru-cache';
import { createMemo } from '../stores/memo';
import { AuthError } from './errors';

/**
 * Session tokens: HS256 pinned (no `alg: none`, no other algorithm), issuer and audience set,
 * `sub` = userid, `sid` = the server-side session id, `exp` = the session's end. One signer for
 * the server; the audience, given to every `sign` and `verify`, tells the two kinds apart: the
 * mini-program's bearer tokens and the web session cookie, so that neither is accepted where the
 * other is expected.
 */
export interface SessionClaims {
  sub: string;
  sid: string;
  exp: number;
}

/** Whom a token is for: the mini-program (a bearer token) or the browser (the web session cookie). */
export type TokenAudience = 'miniprogram' | 'web';

export interface SessionTokens {
  sign(audience: TokenAudience, claims: { userid: string; sid: string; expiresAt: number }): string;
  /**
   * Throws `AuthError('unauthenticated')` for anything that is not a valid token of ours for this
   * audience.
   */
  verify(audience: TokenAudience, token: string): SessionClaims;
}

const ISSUER = 'wecom-gate';
/** Tokens already verified, so a busy client does not pay for HMAC and parsing on every call. */
const VERIFIED_TOKENS = 10_000;
const AUDIENCES: Readonly<Record<TokenAudience, string>> = {
  miniprogram: 'wecom-gate:miniprogram',
  web: 'wecom-gate:web',
};

export function createSessionTokens(deps: { secret: string; now?: () => number }): SessionTokens {
  const { now = Date.now } = deps;
  // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as
  // a PEM public key on every call, which costs more than the whole rest of a request.
  const secret = createSecretKey(Buffer.from(deps.secret, 'utf8'));
  // One memo per audience, keyed by the whole token string: a string that verified once for an
  // audience verifies again with the same key, so only the expiry needs checking on a hit, and a
  // token of one audience is never found in the other's. Failures are never remembered.
  const memo = () => createMemo<string, SessionClaims>(VERIFIED_TOKENS);
  const verified: Readonly<Record<TokenAudience, LRUCache<string, SessionClaims>>> = {
    miniprogram: memo(),
    web: memo(),
  };

  function verifyOnce(audience: TokenAudience, token: string): SessionClaims {
    const claims = jwt.verify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCES[audience],
      clockTimestamp: Math.floor(now() / 1000),
    });
    if (
      typeof claims !== 'object' ||
      typeof claims.sub !== 'string' ||
      typeof claims.sid !== 'string' ||
      typeof claims.exp !== 'number'
    ) {
      throw new Error('claims missing');
    }
    return { sub: claims.sub, sid: claims.sid, exp: claims.exp };
  }

  return {
    sign(audience, { userid, sid, expiresAt }) {
      return jwt.sign({ sid, exp: Math.floor(expiresAt / 1000) }, secret, {
        algorithm: 'HS256',
        subject: userid,
        issuer: ISSUER,
        audience: AUDIENCES[audience],
        noTimestamp: false,
      });
    },
    verify(audience, token) {
      const memoOf = verified[audience];
      const known = memoOf.get(token);
      if (known && known.exp * 1000 > now()) return known;
      try {
        const claims = verifyOnce(audience, token);
        memoOf.set(token, claims);
        return claims;
      } catch (error) {
        memoOf.delete(token);
        throw new AuthError('unauthenticated', { cause: error });
      }
    },
  };
}
