import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { JssdkSignatureResponse } from '../../../miniprogram/typings/api';
import type { RateLimiter } from '../stores/rate-limiter';
import type { TicketKind, TicketProvider } from '../wecom/ticket-provider';
import { JssdkError } from './errors';
import { isSignableUrl, jsapiSignature, withoutFragment } from './signature';

/**
 * Signatures for an H5 page's `wx.config` (the corp's jsapi_ticket) and `wx.agentConfig` (the
 * app's agent_config ticket), over exactly the URL the page reports, without its fragment, and
 * only for pages under this server's PUBLIC_BASE_URL (its origin and path prefix).
 *
 * When WeCom refuses a signature in the page (`wx.config` / `wx.agentConfig` fail with 42012
 * "ticket no available" or 40093 "invalid signature"), the page asks again and names the block
 * it was given (`rejected`). If that block was signed with the ticket still cached, the ticket
 * is invalidated (compare-and-delete, so concurrent reports refresh once) and fetched anew; a
 * block signed with an older ticket changes nothing. Invalidations per ticket are limited,
 * because WeCom allows about 100 ticket fetches an hour per app.
 */

export interface RejectedSignature {
  kind: 'config' | 'agentConfig';
  timestamp: number;
  nonceStr: string;
  signature: string;
}

export interface Jssdk {
  sign(url: string, rejected?: RejectedSignature): Promise<JssdkSignatureResponse>;
}

export interface JssdkDeps {
  tickets: TicketProvider;
  corpId: string;
  agentId: string;
  /** PUBLIC_BASE_URL: only pages under it are signed. */
  baseUrl: string;
  /** Invalidations of a ticket on a page's report. */
  invalidations: RateLimiter;
  logger: Logger;
  now?: () => number;
  nonce?: () => string;
}

const TICKET_OF: Record<RejectedSignature['kind'], TicketKind> = {
  config: 'corp',
  agentConfig: 'agent',
};

export function createJssdk(deps: JssdkDeps): Jssdk {
  const {
    tickets,
    corpId,
    agentId,
    baseUrl,
    invalidations,
    logger,
    now = Date.now,
    nonce = () => randomBytes(12).toString('hex'),
  } = deps;

  async function invalidateIfCurrent(url: string, rejected: RejectedSignature): Promise<void> {
    const kind = TICKET_OF[rejected.kind];
    const current = await tickets.get(kind);
    const signedWithCurrent =
      jsapiSignature({ ...rejected, ticket: current.ticket, url }) === rejected.signature;
    if (!signedWithCurrent) return;
    const allowed = await invalidations.consume(kind);
    if (!allowed.allowed) {
      logger.warn({ kind }, 'jsapi ticket reported invalid too often; keeping it');
      return;
    }
    if (!(await tickets.invalidate(current))) await invalidations.refund(kind);
  }

  return {
    async sign(url, rejected) {
      if (!isSignableUrl(url, baseUrl)) throw new JssdkError('url_not_allowed');
      const page = withoutFragment(url);
      if (rejected) await invalidateIfCurrent(page, rejected);
      const [corp, agent] = await Promise.all([tickets.get('corp'), tickets.get('agent')]);
      const timestamp = Math.floor(now() / 1000);
      const configNonce = nonce();
      const agentNonce = nonce();
      return {
        config: {
          appId: corpId,
          timestamp,
          nonceStr: configNonce,
          signature: jsapiSignature({
            ticket: corp.ticket,
            nonceStr: configNonce,
            timestamp,
            url: page,
          }),
        },
        agentConfig: {
          corpid: corpId,
          agentid: agentId,
          timestamp,
          nonceStr: agentNonce,
          signature: jsapiSignature({
            ticket: agent.ticket,
            nonceStr: agentNonce,
            timestamp,
            url: page,
          }),
        },
      };
    },
  };
}
