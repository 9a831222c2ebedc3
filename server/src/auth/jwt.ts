import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { AuthError } from './errors';

/**
 * Session tokens: HS256 pinned (no `alg: none`, no other algorithm), issuer and audience set,
 * `sub` = userid, `sid` = the server-side session id, `exp` = the session's end. The audience
 * tells the two kinds apart: the mini-program's bearer tokens and the web session cookie, so
 * that neither is accepted where the other is expected.
 */
export interface SessionClaims {
  sub: string;
  sid: string;
  exp: number;
}

export interface SessionTokens {
  sign(claims: { userid: string; sid: string; expiresAt: number }): string;
  /** Throws `AuthError('unauthenticated')` for anything that is not a valid token of ours. */
  verify(token: string): SessionClaims;
}

const ISSUER = 'wecom-gate';
/** Tokens already verified, so a busy client does not pay for HMAC and parsing on every call. */
const VERIFIED_TOKENS = 10_000;
const AUDIENCES = { miniprogram: 'wecom-gate:miniprogram', web: 'wecom-gate:web' } as const;

export function createSessionTokens(deps: {
  secret: string;
  /** Default `miniprogram`. */
  audience?: keyof typeof AUDIENCES;
  now?: () => number;
}): SessionTokens {
  const { now = Date.now } = deps;
  const AUDIENCE = AUDIENCES[deps.audience ?? 'miniprogram'];
  // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as
  // a PEM public key on every call, which costs more than the whole rest of a request.
  const secret = createSecretKey(Buffer.from(deps.secret, 'utf8'));
  // Keyed by the whole token string: a string that verified once verifies again with the same
  // key, so only the expiry needs checking on a hit. Failures are never remembered.
  const verified = new LRUCache<string, SessionClaims>({ max: VERIFIED_TOKENS });

  function verifyOnce(token: string): SessionClaims {
    const claims = jwt.verify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
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
    sign({ userid, sid, expiresAt }) {
      return jwt.sign({ sid, exp: Math.floor(expiresAt / 1000) }, secret, {
        algorithm: 'HS256',
        subject: userid,
        issuer: ISSUER,
        audience: AUDIENCE,
        noTimestamp: false,
      });
    },
    verify(token) {
      const known = verified.get(token);
      if (known && known.exp * 1000 > now()) return known;
      try {
        const claims = verifyOnce(token);
        verified.set(token, claims);
        return claims;
      } catch (error) {
        verified.delete(token);
        throw new AuthError('unauthenticated', { cause: error });
      }
    },
  };
}
