import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa, { type Context } from 'koa';
import {
  adminTokenMark,
  createAdminRule,
  TOKEN_ADMIN_USERID,
} from '../../../../server/src/auth/admin-token';
import { AuthError } from '../../../../server/src/auth/errors';
import { createSessionTokens, type TokenAudience } from '../../../../server/src/auth/jwt';
import {
  type Audience,
  type Credential,
  createAuthentication,
  createIdentify,
  type Sources,
} from '../../../../server/src/middleware/auth';
import { createWebCookies } from '../../../../server/src/middleware/web-session';
import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { createRateLimiter } from '../../../../server/src/stores/rate-limiter';
import { createSessionStore, type SessionRef } from '../../../../server/src/stores/session-store';
import type { Store } from '../../../../server/src/stores/store';

const ORIGIN = 'https://gate.example.com';
const ADMIN_TOKEN = 'admin-token-of-at-least-16-bytes';
const JWT_SECRET = 's'.repeat(40);
const tokens = createSessionTokens({ secret: JWT_SECRET });
const cookies = createWebCookies(ORIGIN);
const expiresAt = Date.now() + 3600_000;
const sign = (audience: TokenAudience, userid: string, sid = 'sid-1') =>
  tokens.sign(audience, { userid, sid, expiresAt });

/** A real Koa context for a request with these headers. */
function contextOf(request: {
  method?: string;
  authorization?: string;
  cookie?: string;
  origin?: string;
}): Context {
  const req = new IncomingMessage(new Socket());
  req.method = request.method ?? 'GET';
  req.url = '/api/me';
  req.headers = {
    ...(request.authorization !== undefined && { authorization: request.authorization }),
    ...(request.cookie !== undefined && { cookie: `${cookies.sessionCookie}=${request.cookie}` }),
    ...(request.origin !== undefined && { origin: request.origin }),
  };
  return new Koa().createContext(req, new ServerResponse(req));
}

describe('identify: the credential a request carries, read once', () => {
  const identify = createIdentify({ tokens, cookies, adminToken: ADMIN_TOKEN });
  const ref = (userid: string, sid = 'sid-1') => ({ userid, sid });
  const bearer = (token: string) => `Bearer ${token}`;
  const expired = tokens.sign('miniprogram', {
    userid: 'zhangsan',
    sid: 'sid-1',
    expiresAt: Date.now() - 1000,
  });

  const B = 'bearer-or-cookie';
  // biome-ignore format: a table
  const cases: [string, Parameters<typeof contextOf>[0], Sources, Credential][] = [
    ['nothing', {}, B, { kind: 'none' }],
    ['an Authorization header that is no bearer', { authorization: 'Basic dTpw' }, B, { kind: 'none' }],
    ['a mini-program token', { authorization: bearer(sign('miniprogram', 'zhangsan')) }, B, { kind: 'employee-bearer', ref: ref('zhangsan') }],
    ['the scheme in any case', { authorization: `bearer ${sign('miniprogram', 'zhangsan')}` }, B, { kind: 'employee-bearer', ref: ref('zhangsan') }],
    ['ADMIN_TOKEN', { authorization: bearer(ADMIN_TOKEN) }, B, { kind: 'admin-token' }],
    ['a wrong admin token', { authorization: bearer(`${ADMIN_TOKEN}x`) }, B, { kind: 'unknown-bearer' }],
    ['a web token as bearer', { authorization: bearer(sign('web', 'zhangsan')) }, B, { kind: 'unknown-bearer' }],
    ['an expired mini-program token', { authorization: bearer(expired) }, B, { kind: 'unknown-bearer' }],
    ['a web session cookie', { cookie: sign('web', 'lisi') }, B, { kind: 'web-session', ref: ref('lisi'), crossSite: false }],
    ['the cookie on a change without Origin', { method: 'POST', cookie: sign('web', 'lisi') }, B, { kind: 'web-session', ref: ref('lisi'), crossSite: true }],
    ['the cookie on a change from elsewhere', { method: 'DELETE', cookie: sign('web', 'lisi'), origin: 'https://evil.example' }, B, { kind: 'web-session', ref: ref('lisi'), crossSite: true }],
    ['the cookie on a change from this server', { method: 'POST', cookie: sign('web', 'lisi'), origin: ORIGIN }, B, { kind: 'web-session', ref: ref('lisi'), crossSite: false }],
    ['the token admin’s cookie', { cookie: sign('web', TOKEN_ADMIN_USERID) }, B, { kind: 'token-admin-session', ref: ref(TOKEN_ADMIN_USERID), crossSite: false }],
    ['a mini-program token as cookie', { cookie: sign('miniprogram', 'lisi') }, B, { kind: 'bad-cookie', crossSite: false }],
    ['a garbage cookie on a change without Origin', { method: 'POST', cookie: 'garbage' }, B, { kind: 'bad-cookie', crossSite: true }],
    ['bearer and cookie: the bearer wins', { authorization: bearer(sign('miniprogram', 'zhangsan')), cookie: sign('web', 'lisi') }, B, { kind: 'employee-bearer', ref: ref('zhangsan') }],
    ['any Authorization header hides the cookie', { authorization: 'Basic dTpw', cookie: sign('web', 'lisi') }, B, { kind: 'none' }],
    ['the cookie only: a bearer is not read', { authorization: bearer(sign('miniprogram', 'zhangsan')), cookie: sign('web', 'lisi') }, 'cookie', { kind: 'web-session', ref: ref('lisi'), crossSite: false }],
    ['the cookie only, without a cookie', { authorization: bearer(ADMIN_TOKEN) }, 'cookie', { kind: 'none' }],
  ];
  test.each(cases)('%s', (_name, request, sources, expected) => {
    expect(identify(contextOf(request), sources)).toEqual(expected);
  });

  test('without the web login the cookie is not read; without ADMIN_TOKEN no bearer is it', () => {
    const bare = createIdentify({ tokens });
    expect(bare(contextOf({ cookie: sign('web', 'lisi') }), 'bearer-or-cookie')).toEqual({
      kind: 'none',
    });
    expect(bare(contextOf({ authorization: bearer(ADMIN_TOKEN) }), 'bearer-or-cookie')).toEqual({
      kind: 'unknown-bearer',
    });
  });
});

/** The store, with a count of the session reads made through it. */
function countingStore(): { store: Store; reads: { get: number; getAndIncrement: number } } {
  const store = createMemoryStore();
  const reads = { get: 0, getAndIncrement: 0 };
  return {
    reads,
    store: {
      ...store,
      get: (key) => {
        reads.get += 1;
        return store.get(key);
      },
      getAndIncrement: (...args) => {
        reads.getAndIncrement += 1;
        return store.getAndIncrement(...args);
      },
    },
  };
}

describe('the policy of each audience: credential kind × audience → outcome', () => {
  const { store, reads } = countingStore();
  const sessions = createSessionStore({ store, ttlSeconds: 3600 });
  const tokenMark = adminTokenMark(ADMIN_TOKEN, JWT_SECRET);
  const lookupLimit = createRateLimiter(store, { name: 'lookup', points: 1000, windowSeconds: 60 });

  /** Runs `audience`'s check on `credential`; what it refused, or what it put on the state. */
  async function outcome(audience: Audience, credential: Credential): Promise<string> {
    let sources: Sources | undefined;
    const authenticate = createAuthentication({
      identify: (_ctx, asked) => {
        sources = asked;
        return credential;
      },
      sessions,
      adminRule: createAdminRule({ userIds: ['lisi'], tokenMark }),
      lookupLimit,
    });
    const ctx = { state: {} } as unknown as Parameters<ReturnType<typeof authenticate>>[0];
    let reached = false;
    let result: string;
    try {
      await authenticate(audience)(ctx, async () => {
        reached = true;
      });
      const { session, admin, token } = ctx.state;
      result = [
        session && `session ${session.userid}/${session.kind}`,
        admin && `admin via ${admin.via}`,
        token && `ref ${token.userid}`,
      ]
        .filter(Boolean)
        .join(', ');
      expect(reached).toBe(true);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      result = `refused: ${error.reason}`;
      expect(reached).toBe(false);
    }
    // The pages a browser navigates to, and the web logout, read the cookie only.
    expect(sources).toBe(
      audience === 'page' || audience === 'logout' ? 'cookie' : 'bearer-or-cookie',
    );
    return result || 'anonymous';
  }

  const refs: Record<string, SessionRef> = {};
  beforeAll(async () => {
    refs.employee = await sessions.create({ userid: 'zhangsan', corpid: 'c', sessionKey: 'k' });
    refs.admin = await sessions.create({ userid: 'lisi', corpid: 'c', sessionKey: 'k' });
    refs.webEmployee = await sessions.create({ kind: 'web', userid: 'zhangsan', corpid: 'c' });
    refs.webAdmin = await sessions.create({ kind: 'web', userid: 'lisi', corpid: 'c' });
    refs.tokenAdmin = await sessions.create({
      kind: 'web',
      userid: TOKEN_ADMIN_USERID,
      corpid: 'c',
      tokenAdmin: tokenMark,
    });
    // Made with an ADMIN_TOKEN that has been replaced since.
    refs.oldTokenAdmin = await sessions.create({
      kind: 'web',
      userid: TOKEN_ADMIN_USERID,
      corpid: 'c',
      tokenAdmin: adminTokenMark('the-previous-admin-token', JWT_SECRET),
    });
  });
  const ended = { userid: 'lisi', sid: 'gone' };
  const ref = (name: string) => refs[name]!;

  // '–': the audience reads the cookie only, so it never meets a bearer credential.
  type Row = [string, () => Credential, Record<Audience, string>];
  const row = (employee: string, lookups: string, admin: string, logout: string, page: string) => ({
    employee,
    lookups,
    admin,
    logout,
    page,
  });
  const refused = (reason: string) => `refused: ${reason}`;
  const UNAUTH = refused('unauthenticated');
  const EXPIRED = refused('session_expired');
  const CROSS = refused('cross_site');
  const NOT_EMPLOYEE = refused('token_admin_not_employee');
  const web =
    (name: string, crossSite = false) =>
    () =>
      ({ kind: 'web-session', ref: ref(name), crossSite }) as Credential;
  const tokenAdmin =
    (name: string, crossSite = false) =>
    () =>
      ({ kind: 'token-admin-session', ref: ref(name), crossSite }) as Credential;
  const employeeBearer = (named: () => SessionRef) => () =>
    ({ kind: 'employee-bearer', ref: named() }) as Credential;

  // biome-ignore format: a table
  const table: Row[] = [
    ['none', () => ({ kind: 'none' }), row(UNAUTH, UNAUTH, UNAUTH, UNAUTH, 'anonymous')],
    ['admin-token', () => ({ kind: 'admin-token' }), row(UNAUTH, UNAUTH, 'admin via token', '–', '–')],
    ['unknown-bearer', () => ({ kind: 'unknown-bearer' }), row(UNAUTH, UNAUTH, refused('forbidden'), '–', '–')],
    ['employee-bearer: an employee', employeeBearer(() => ref('employee')), row('session zhangsan/miniprogram', 'session zhangsan/miniprogram', refused('forbidden'), '–', '–')],
    ['employee-bearer: an admin', employeeBearer(() => ref('admin')), row('session lisi/miniprogram', 'session lisi/miniprogram', 'session lisi/miniprogram, admin via session', '–', '–')],
    ['employee-bearer: ended', employeeBearer(() => ended), row(EXPIRED, EXPIRED, EXPIRED, '–', '–')],
    ['employee-bearer naming a web session', employeeBearer(() => ref('webAdmin')), row(EXPIRED, EXPIRED, EXPIRED, '–', '–')],
    ['bad-cookie', () => ({ kind: 'bad-cookie', crossSite: false }), row(UNAUTH, UNAUTH, UNAUTH, UNAUTH, 'anonymous')],
    ['bad-cookie, cross-site change', () => ({ kind: 'bad-cookie', crossSite: true }), row(UNAUTH, UNAUTH, UNAUTH, CROSS, 'anonymous')],
    ['web-session: an employee', web('webEmployee'), row('session zhangsan/web', 'session zhangsan/web', refused('forbidden'), 'ref zhangsan', 'session zhangsan/web')],
    ['web-session: an admin', web('webAdmin'), row('session lisi/web', 'session lisi/web', 'session lisi/web, admin via web', 'ref lisi', 'session lisi/web')],
    ['web-session: an admin, cross-site change', web('webAdmin', true), row(CROSS, CROSS, CROSS, CROSS, 'session lisi/web')],
    ['web-session: ended', () => ({ kind: 'web-session', ref: ended, crossSite: false }), row(EXPIRED, EXPIRED, EXPIRED, 'ref lisi', 'anonymous')],
    ['web-session naming a mini-program session', web('admin'), row(EXPIRED, EXPIRED, EXPIRED, 'ref lisi', 'anonymous')],
    ['token-admin-session', tokenAdmin('tokenAdmin'), row(NOT_EMPLOYEE, NOT_EMPLOYEE, `session ${TOKEN_ADMIN_USERID}/web, admin via web`, `ref ${TOKEN_ADMIN_USERID}`, `session ${TOKEN_ADMIN_USERID}/web`)],
    ['token-admin-session of a replaced ADMIN_TOKEN', tokenAdmin('oldTokenAdmin'), row(NOT_EMPLOYEE, NOT_EMPLOYEE, EXPIRED, `ref ${TOKEN_ADMIN_USERID}`, `session ${TOKEN_ADMIN_USERID}/web`)],
    ['token-admin-session, cross-site change', tokenAdmin('tokenAdmin', true), row(CROSS, CROSS, CROSS, CROSS, `session ${TOKEN_ADMIN_USERID}/web`)],
  ];
  const audiences: Audience[] = ['employee', 'lookups', 'admin', 'logout', 'page'];
  const cells = table.flatMap(([name, credential, expected]) =>
    audiences
      .filter((audience) => expected[audience] !== '–')
      .map((audience) => [name, audience, credential, expected[audience]] as const),
  );

  test.each(cells)('%s on %s routes', async (_name, audience, credential, expected) => {
    expect(await outcome(audience, credential())).toBe(expected);
  });

  test('the employee routes read the session once, the lookup routes in one round trip with the counter, a script with ADMIN_TOKEN not at all', async () => {
    const before = { ...reads };
    await outcome('employee', employeeBearer(() => ref('employee'))());
    expect(reads).toEqual({ ...before, get: before.get + 1 });
    await outcome('lookups', employeeBearer(() => ref('employee'))());
    expect(reads).toEqual({ get: before.get + 1, getAndIncrement: before.getAndIncrement + 1 });
    await outcome('admin', { kind: 'admin-token' });
    expect(reads).toEqual({ get: before.get + 1, getAndIncrement: before.getAndIncrement + 1 });
  });

  test('the lookup routes refuse past the employee’s limit, with the session known for the log', async () => {
    const limited = createAuthentication({
      identify: () => ({ kind: 'employee-bearer', ref: ref('admin') }),
      sessions,
      adminRule: createAdminRule({ userIds: [] }),
      lookupLimit: createRateLimiter(store, { name: 'tight', points: 1, windowSeconds: 60 }),
    })('lookups');
    const ctx = () => ({ state: {} }) as unknown as Parameters<typeof limited>[0];
    await limited(ctx(), async () => {});
    const second = ctx();
    const refusal = await limited(second, async () => {}).catch((error: AuthError) => error);
    expect(refusal).toMatchObject({
      reason: 'rate_limited',
      retryAfterSeconds: expect.any(Number),
    });
    expect(second.state.session?.userid).toBe('lisi');
  });
});
