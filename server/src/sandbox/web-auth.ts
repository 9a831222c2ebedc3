import { createHash, randomBytes } from 'node:crypto';

/**
 * WeCom's side of the web login and the JS-SDK, as state: OAuth2 / QR login codes (single use,
 * five minutes, bound to the app whose AgentId the login page was opened for) and JS-SDK tickets
 * (the corp's jsapi_ticket and each app's agent_config ticket; every fetch issues a new one, each
 * valid until it expires or is invalidated through the control surface).
 */

export const OAUTH_CODE_TTL_MS = 5 * 60 * 1000;

/** Who approved a login: a member of the corp, or someone outside it (an openid). */
export type OauthIdentity = { userid: string } | { openid: string };

export interface OauthCodeStore {
  issue(identity: OauthIdentity, agentid: string): string;
  /** Undefined when unknown, used or expired (all answer 40029). */
  consume(code: string): { identity: OauthIdentity; agentid: string } | undefined;
}

const MAX_CODES = 10_000;

export function createOauthCodeStore(deps: { now: () => number }): OauthCodeStore {
  const codes = new Map<string, { identity: OauthIdentity; agentid: string; issuedAt: number }>();
  return {
    issue(identity, agentid) {
      if (codes.size >= MAX_CODES) {
        const cutoff = deps.now() - OAUTH_CODE_TTL_MS;
        for (const [code, record] of codes) if (record.issuedAt <= cutoff) codes.delete(code);
        for (const code of codes.keys()) {
          if (codes.size < MAX_CODES) break;
          codes.delete(code);
        }
      }
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { identity, agentid, issuedAt: deps.now() });
      return code;
    },
    consume(code) {
      const record = codes.get(code);
      if (!record) return undefined;
      codes.delete(code);
      if (deps.now() - record.issuedAt >= OAUTH_CODE_TTL_MS) return undefined;
      return { identity: record.identity, agentid: record.agentid };
    },
  };
}

/** The openid WeCom shows for someone outside the corp (stable per name, like a real openid). */
export function outsiderOpenid(name: string): string {
  return `oYsDemo${createHash('sha256').update(name).digest('base64url').slice(0, 22)}`;
}

export type TicketKind = 'corp' | 'agent';

export interface JsapiSignatureCheck {
  /** `config` (wx.config: the corp ticket) or `agentConfig` (wx.agentConfig: that app's ticket). */
  kind: 'config' | 'agentConfig';
  /** For agentConfig: the app. */
  agentid?: string;
  url: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
}

export interface TicketStore {
  issue(kind: TicketKind, agentid?: string): { ticket: string; expiresIn: number };
  /** Every ticket issued so far is no longer accepted. */
  invalidateAll(): void;
  /**
   * What WeCom's JS-SDK answers a page for this signature: 0 when it was made with a live ticket
   * of the right kind, 42012 (ticket no available) when only with an expired or invalidated one,
   * 40093 (invalid signature) otherwise.
   */
  verify(check: JsapiSignatureCheck): { errcode: 0 | 42012 | 40093; errmsg: string };
}

interface TicketRecord {
  kind: TicketKind;
  agentid?: string;
  expiresAt: number;
  invalidated: boolean;
}

const MAX_TICKETS = 1000;

function sign(ticket: string, check: JsapiSignatureCheck): string {
  const url = check.url.split('#')[0];
  return createHash('sha1')
    .update(
      `jsapi_ticket=${ticket}&noncestr=${check.nonceStr}&timestamp=${check.timestamp}&url=${url}`,
    )
    .digest('hex');
}

export function createTicketStore(deps: {
  now: () => number;
  ttlSeconds: number;
  onIssue?: (ticket: string) => void;
}): TicketStore {
  const tickets = new Map<string, TicketRecord>();
  return {
    issue(kind, agentid) {
      for (const key of tickets.keys()) {
        if (tickets.size < MAX_TICKETS) break;
        tickets.delete(key);
      }
      const ticket = randomBytes(48).toString('base64url');
      deps.onIssue?.(ticket);
      tickets.set(ticket, {
        kind,
        agentid,
        expiresAt: deps.now() + deps.ttlSeconds * 1000,
        invalidated: false,
      });
      return { ticket, expiresIn: deps.ttlSeconds };
    },
    invalidateAll() {
      for (const record of tickets.values()) record.invalidated = true;
    },
    verify(check) {
      const kind: TicketKind = check.kind === 'config' ? 'corp' : 'agent';
      let stale = false;
      for (const [ticket, record] of tickets) {
        if (record.kind !== kind || (kind === 'agent' && record.agentid !== check.agentid))
          continue;
        if (sign(ticket, check) !== check.signature) continue;
        if (!record.invalidated && record.expiresAt > deps.now())
          return { errcode: 0, errmsg: 'ok' };
        stale = true;
      }
      return stale
        ? { errcode: 42012, errmsg: 'ticket no available' }
        : { errcode: 40093, errmsg: 'invalid signature' };
    },
  };
}
