import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { type AdminRule, TOKEN_ADMIN_USERID } from '../auth/admin-token';
import { AuthError, type AuthFailure } from '../auth/errors';
import type { SessionTokens } from '../auth/jwt';
import type { RateLimiter } from '../stores/rate-limiter';
import type { Session, SessionRef, SessionStore } from '../stores/session-store';
import type { AppState } from './state';
import { isCrossSiteChange, type WebCookies } from './web-session';

/**
 * Who is calling, in two steps: `identify` reads the request's credential once and names its
 * kind; the policy of the route's audience (`POLICIES`) says which kinds it accepts and what each
 * yields. Each router carries one `authenticate(audience)`.
 *
 * Two places hold a credential: `Authorization: Bearer` (the mini-program's session token,
 * scripts' ADMIN_TOKEN) and, where the web login is configured, the web session cookie (an
 * employee's web session, or the token admin's from the admin console's ADMIN_TOKEN sign-in). On the
 * API routes the Authorization header wins: the cookie is read only when no header is sent. The
 * routes a browser navigates to (pages, the web logout) read the cookie only. A change made with
 * the cookie must carry this server's `Origin` (`cross_site`, CSRF); a bearer request need not,
 * since a browser never adds the header by itself.
 */
export type Credential =
  /** No credential, or an Authorization header that holds no bearer token. */
  | { kind: 'none' }
  /** The bearer token is ADMIN_TOKEN (compared in constant time). */
  | { kind: 'admin-token' }
  /** The bearer token is a valid mini-program session token; the session is not read yet. */
  | { kind: 'employee-bearer'; ref: SessionRef }
  /** Any other bearer token: not ours, expired, of the web audience, a wrong ADMIN_TOKEN. */
  | { kind: 'unknown-bearer' }
  /**
   * The cookie holds a valid web session token, of an employee or of the token admin; the
   * session is not read yet. `crossSite`: the request changes something without our `Origin`.
   */
  | { kind: 'web-session' | 'token-admin-session'; ref: SessionRef; crossSite: boolean }
  /** A cookie that fails verification (an old cookie, another audience's token). */
  | { kind: 'bad-cookie'; crossSite: boolean };

type Kind = Credential['kind'];
type SessionCredential = Extract<Credential, { ref: SessionRef }>;
/** What the cookie alone can name. */
type CookieKind = 'none' | Extract<Credential, { crossSite: boolean }>['kind'];

/** Where an audience looks: the Authorization header, and the cookie without one; or the cookie only. */
export type Sources = 'bearer-or-cookie' | 'cookie';
export type Identify = (ctx: Context, sources: Sources) => Credential;

const NONE: Credential = { kind: 'none' };
const ADMIN_TOKEN: Credential = { kind: 'admin-token' };
const UNKNOWN_BEARER: Credential = { kind: 'unknown-bearer' };

function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer ([\w.~+/=-]{1,4096})$/i.exec(authorization.trim());
  return match?.[1];
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The one reader of credentials. Without `cookies` (no web login) only the bearer is read. */
export function createIdentify(deps: {
  tokens: SessionTokens;
  cookies?: WebCookies;
  adminToken?: string;
}): Identify {
  const { tokens, cookies } = deps;
  const adminDigest = deps.adminToken === undefined ? undefined : digest(deps.adminToken);

  function fromBearer(authorization: string): Credential {
    const token = bearerToken(authorization);
    if (!token) return NONE;
    try {
      // A session token first: the busiest path pays one memo lookup and no hash.
      const claims = tokens.verify('miniprogram', token);
      return { kind: 'employee-bearer', ref: { userid: claims.sub, sid: claims.sid } };
    } catch {
      return adminDigest && timingSafeEqual(digest(token), adminDigest)
        ? ADMIN_TOKEN
        : UNKNOWN_BEARER;
    }
  }

  return (ctx, sources) => {
    if (sources === 'bearer-or-cookie') {
      const authorization = ctx.get('authorization');
      if (authorization) return fromBearer(authorization);
    }
    const cookie = cookies?.readSession(ctx);
    if (!cookies || cookie === undefined) return NONE;
    const crossSite = isCrossSiteChange(ctx, cookies.origin);
    let claims: { sub: string; sid: string };
    try {
      claims = tokens.verify('web', cookie);
    } catch {
      return { kind: 'bad-cookie', crossSite };
    }
    return {
      kind: claims.sub === TOKEN_ADMIN_USERID ? 'token-admin-session' : 'web-session',
      ref: { userid: claims.sub, sid: claims.sid },
      crossSite,
    };
  };
}

/**
 * What a credential yields on a route, if not refused:
 * - `session`: the live session it names, read once (`session_expired` when gone);
 * - `counted-session`: the same, and the request counted against the employee's lookup limit in
 *   the same store round trip (only live sessions count; `rate_limited` past the limit);
 * - `admin-session`: the live session, of an admin (ended, or a token admin's made with another
 *   ADMIN_TOKEN → `session_expired`; an employee who is no admin → `forbidden`);
 * - `admin-via-token`: an admin by ADMIN_TOKEN (a script);
 * - `ref`: what the token names, the session not read (logout: it may be gone already);
 * - `page-session`: the session when live, else nothing (the page decides);
 * - `anonymous`: nothing.
 * `sameOrigin`: a change must carry this server's `Origin` (`cross_site`), checked first.
 */
type Yield =
  | 'session'
  | 'counted-session'
  | 'admin-session'
  | 'admin-via-token'
  | 'ref'
  | 'page-session'
  | 'anonymous';
/** A session is yielded only for a credential that names one. */
type RuleFor<K extends Kind> = { sameOrigin?: true } & (
  | { refuse: AuthFailure }
  | { yields: K extends SessionCredential['kind'] ? Yield : 'admin-via-token' | 'anonymous' }
);
type Rule = RuleFor<Kind>;
type Policy =
  | { sources: 'bearer-or-cookie'; rules: { [K in Kind]: RuleFor<K> } }
  | { sources: 'cookie'; rules: { [K in CookieKind]: RuleFor<K> } };

const refuse = (reason: AuthFailure) => ({ refuse: reason });
const yields = <Y extends Yield>(what: Y) => ({ yields: what });
const sameOrigin = <R extends Rule>(rule: R) => ({ ...rule, sameOrigin: true as const });

const EMPLOYEE = {
  sources: 'bearer-or-cookie',
  rules: {
    none: refuse('unauthenticated'),
    'admin-token': refuse('unauthenticated'),
    'unknown-bearer': refuse('unauthenticated'),
    'employee-bearer': yields('session'),
    'bad-cookie': refuse('unauthenticated'),
    'web-session': sameOrigin(yields('session')),
    // The token admin is no employee.
    'token-admin-session': sameOrigin(refuse('token_admin_not_employee')),
  },
} satisfies Policy;

const POLICIES = {
  /** `/api/me`, `/api/sessions/current`, JS-SDK signatures. */
  employee: EMPLOYEE,
  /** Customer and group routes: the employee's, counted. */
  lookups: {
    ...EMPLOYEE,
    rules: {
      ...EMPLOYEE.rules,
      'employee-bearer': yields('counted-session'),
      'web-session': sameOrigin(yields('counted-session')),
    },
  },
  /** `/api/admin/*`: a wrong bearer is `forbidden`, an old cookie `unauthenticated`. */
  admin: {
    sources: 'bearer-or-cookie',
    rules: {
      none: refuse('unauthenticated'),
      'admin-token': yields('admin-via-token'),
      'unknown-bearer': refuse('forbidden'),
      'employee-bearer': yields('admin-session'),
      'bad-cookie': refuse('unauthenticated'),
      'web-session': sameOrigin(yields('admin-session')),
      'token-admin-session': sameOrigin(yields('admin-session')),
    },
  },
  /** `POST /auth/logout`: a cookie is required, and from this server's pages whatever it holds. */
  logout: {
    sources: 'cookie',
    rules: {
      none: refuse('unauthenticated'),
      'bad-cookie': sameOrigin(refuse('unauthenticated')),
      'web-session': sameOrigin(yields('ref')),
      'token-admin-session': sameOrigin(yields('ref')),
    },
  },
  /** The web login's and the admin console's pages: the browser's web session, if any. */
  page: {
    sources: 'cookie',
    rules: {
      none: yields('anonymous'),
      'bad-cookie': yields('anonymous'),
      'web-session': yields('page-session'),
      'token-admin-session': yields('page-session'),
    },
  },
} satisfies Record<string, Policy>;

export type Audience = keyof typeof POLICIES;

/** What the audiences' checks put on `ctx.state` (see state.ts for each router's state). */
type AuthState = AppState & { token?: SessionRef };

/** A session of the kind the credential names, else null (as if it had ended). */
const ofKind = (found: Session | null, credential: SessionCredential) =>
  found && found.kind === (credential.kind === 'employee-bearer' ? 'miniprogram' : 'web')
    ? found
    : null;

export function createAuthentication(deps: {
  identify: Identify;
  sessions: SessionStore;
  adminRule: AdminRule;
  /** The per-employee limit of the lookup routes. */
  lookupLimit: RateLimiter;
}): (audience: Audience) => Middleware<AuthState> {
  const { identify, sessions, adminRule, lookupLimit } = deps;
  return (audience) => {
    const policy: Policy = POLICIES[audience];
    return async (ctx, next) => {
      const credential = identify(ctx, policy.sources);
      const rule: Rule = (policy.rules as Record<Kind, Rule>)[credential.kind];
      if (rule.sameOrigin && 'crossSite' in credential && credential.crossSite)
        throw new AuthError('cross_site');
      if ('refuse' in rule) throw new AuthError(rule.refuse);
      if (rule.yields === 'anonymous') return next();
      if (rule.yields === 'admin-via-token') {
        ctx.state.admin = { via: 'token' };
        return next();
      }
      // Every other yield is of a credential that names a session (RuleFor).
      const named = credential as SessionCredential;
      switch (rule.yields) {
        case 'ref':
          ctx.state.token = named.ref;
          break;
        case 'counted-session': {
          const found = await sessions.findCounted(named.ref, lookupLimit);
          const session = found && ofKind(found.session, named);
          if (!session) throw new AuthError('session_expired');
          ctx.state.session = session;
          const { decision } = found;
          if (!decision.allowed)
            throw new AuthError('rate_limited', { retryAfterSeconds: decision.retryAfterSeconds });
          break;
        }
        case 'page-session': {
          const session = ofKind(await sessions.find(named.ref), named);
          if (session) ctx.state.session = session;
          break;
        }
        case 'session': {
          const session = ofKind(await sessions.find(named.ref), named);
          if (!session) throw new AuthError('session_expired');
          ctx.state.session = session;
          break;
        }
        case 'admin-session': {
          const session = ofKind(await sessions.find(named.ref), named);
          const standing = session && adminRule(session);
          if (!session || standing === 'ended') throw new AuthError('session_expired');
          ctx.state.session = session;
          if (standing !== 'admin') throw new AuthError('forbidden');
          const via = named.kind === 'employee-bearer' ? 'session' : 'web';
          ctx.state.admin = { via, userid: session.userid };
          break;
        }
      }
      return next();
    };
  };
}
