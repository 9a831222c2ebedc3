import { setTimeout as sleep } from 'node:timers/promises';
import type { Middleware } from 'koa';
import type { Answer, ApiRoute } from './api/index';
import { WecomError } from './api/index';
import { BodyError, readJson } from './body';
import type { AppRuntime } from './corp';
import type { CallCounters } from './counters';
import { callerIp, formatErrmsg } from './errmsg';
import type { FaultRegistry } from './faults';
import type { ApiLimits } from './limits';
import type { TokenStore } from './tokens';

/**
 * Everything below /cgi-bin/: count the call, apply latency and faults, limits, the access token
 * (service/*: the suite_access_token; license/*: the provider_access_token), the IP allow-list
 * (not for the routes that make a token: gettoken, get_suite_token, get_provider_token), then the
 * API of the token's corp (gettoken: of `corpid`). Answers always carry errcode and errmsg.
 */

/**
 * A suite_access_token's or provider_access_token's check, with the provider's errcodes (41022,
 * 40082, 42009); `suiteId` for a suite's.
 */
export type ServiceTokenCheck = { ok: true; suiteId?: string } | { ok: false; errcode: number };

export interface CgiBinDeps {
  /** The first corp's APIs: what every path is (method, auth, empty fields), and its answers. */
  routes: ReadonlyMap<string, ApiRoute>;
  /**
   * The APIs of another corp the simulator plays: a call with its app's token, or gettoken with
   * its corpid, is answered by it (undefined: the first corp answers).
   */
  routesOf?: (corpId: string) => ReadonlyMap<string, ApiRoute> | undefined;
  tokens: TokenStore<AppRuntime>;
  /**
   * Checks the suite_access_token of routes with `auth: 'suite'` and the provider_access_token
   * of those with `auth: 'provider'` (none: every one is invalid).
   */
  checkServiceToken?: (kind: 'suite' | 'provider', token: string | undefined) => ServiceTokenCheck;
  faults: FaultRegistry;
  counters: CallCounters;
  limits: ApiLimits;
  latencyMs: number;
  now: () => number;
  trustedIps: () => ReadonlySet<string> | null;
}

const PREFIX = '/cgi-bin/';

function firstString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function cgiBinMiddleware(deps: CgiBinDeps): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(PREFIX)) return next();
    const api = ctx.path.slice(PREFIX.length);
    const route = deps.routes.get(api);
    const ip = callerIp(ctx.req.socket.remoteAddress);
    deps.counters.count(api);

    const fail = (errcode: number, text?: string) => {
      ctx.body = { errcode, errmsg: formatErrmsg(errcode, ip, deps.now(), text), ...route?.empty };
    };

    const plan = deps.faults.plan(api);
    // Unknown paths share one limit bucket so that stray paths cannot grow the limit tables.
    const { errcode: limited, release } = deps.limits.enter(route ? api : '(unknown)');
    try {
      const delay = deps.latencyMs + plan.latencyMs;
      if (delay > 0) await sleep(delay);
      const fault = plan.terminal;
      if (fault?.kind === 'drop') {
        ctx.respond = false;
        ctx.req.socket.destroy();
        return;
      }
      if (fault?.kind === 'hang') {
        // Never answered; close() destroys the socket.
        ctx.respond = false;
        return;
      }
      if (fault?.kind === 'http') {
        ctx.status = fault.status;
        ctx.type = 'text/html';
        ctx.body = `<html><head><title>${fault.status}</title></head><body>${fault.status}</body></html>`;
        return;
      }
      if (fault?.kind === 'errcode') return fail(fault.errcode, fault.errmsg);
      if (fault?.kind === 'answer') {
        ctx.body = { errcode: 0, errmsg: 'ok', ...fault.body };
        return;
      }
      if (limited !== 0) return fail(limited);
      if (!route) {
        ctx.status = 404;
        return fail(-1, `api not found in the simulator: ${api}`);
      }
      if (ctx.method !== route.method) return fail(40058, `${route.method} required`);

      const query: Record<string, string | undefined> = {};
      for (const [key, value] of Object.entries(ctx.query)) query[key] = firstString(value);
      let app: AppRuntime | undefined;
      let suiteId: string | undefined;
      if (route.auth === 'suite' || route.auth === 'provider') {
        const check = deps.checkServiceToken?.(route.auth, query[`${route.auth}_access_token`]) ?? {
          ok: false,
          errcode: 40082,
        };
        if (!check.ok) return fail(check.errcode);
        suiteId = check.suiteId;
      } else if (route.auth) {
        const check = deps.tokens.check(query.access_token);
        if (!check.ok) return fail(check.errcode);
        app = check.app;
      }
      if (route.auth) {
        const allowed = deps.trustedIps();
        if (allowed && !allowed.has(ip)) return fail(60020);
      }
      const body = route.method === 'POST' ? await readJson(ctx.req) : undefined;
      const corpId = app ? app.corpId : query.corpid;
      const own = (corpId && deps.routesOf?.(corpId)?.get(api)) || route;
      const answer: Answer = own.handle({ query, body, app: app as AppRuntime, suiteId });
      ctx.body = { errcode: 0, errmsg: 'ok', ...answer };
    } catch (error) {
      if (error instanceof WecomError) return fail(error.errcode, error.text);
      if (error instanceof BodyError) return fail(47001);
      throw error;
    } finally {
      release();
    }
  };
}
