import type { Logger } from 'pino';
import type { Store } from '../stores/store';
import type { WecomApi } from './api';
import { apiPaths } from './api-paths';
import { WecomUnavailableError } from './errors';
import { createExpiringCache, type ExpiringCache } from './expiring-cache';
import type { RefreshSchedule } from './refresh-schedule';

/**
 * JS-SDK tickets, kept like access tokens (see expiring-cache.ts): the corp's jsapi_ticket
 * (`wx.config`, one per corp) and the app's agent_config ticket (`wx.agentConfig`, one per corp
 * and AgentId, fetched with that app's own token). WeCom allows few fetches (about 100 an hour
 * per app), so nothing here fetches without a cache miss or an invalidation of the exact ticket
 * that failed. Tickets never leave the server; they are only signed with.
 */

export type TicketKind = 'corp' | 'agent';

export interface JsapiTicket {
  kind: TicketKind;
  ticket: string;
  /** The stored value, for compare-and-delete. */
  raw: string;
}

export interface TicketProvider {
  get(kind: TicketKind): Promise<JsapiTicket>;
  /** Deletes the cached ticket only if it is still `failed`; true when this call deleted it. */
  invalidate(failed: JsapiTicket): Promise<boolean>;
}

export interface TicketProviderDeps {
  api: Pick<WecomApi, 'getJsapiTicket' | 'getAgentConfigTicket'>;
  store: Store;
  corpId: string;
  agentId: string;
  logger: Logger;
  /** Upper bound of one WeCom call (WECOM_TIMEOUT_MS): sizes the lock, twice for the token. */
  timeoutMs: number;
  now?: () => number;
  /** Seconds cut from `expires_in`. */
  marginSeconds?: number;
  /** Refresh ahead of expiry (see expiring-cache.ts); none without. */
  schedule?: RefreshSchedule;
  pollMs?: number;
  onRefresh?: (kind: TicketKind) => void;
}

export function createTicketProvider(deps: TicketProviderDeps): TicketProvider {
  const { api, corpId, agentId, logger, onRefresh = () => {} } = deps;
  const cacheOf = (kind: TicketKind, key: string) =>
    createExpiringCache({
      store: deps.store,
      key,
      // A fetch may first need an access token: two WeCom calls, each with its retries.
      fetchTimeoutMs: deps.timeoutMs * 4,
      marginSeconds: deps.marginSeconds,
      schedule: deps.schedule,
      onRefreshFailed: (error) =>
        logger.warn(
          { kind, err: error },
          'jsapi ticket refresh ahead of expiry failed; the current one stays in use',
        ),
      pollMs: deps.pollMs,
      now: deps.now,
      async fetch() {
        onRefresh(kind);
        const answer =
          kind === 'corp' ? await api.getJsapiTicket() : await api.getAgentConfigTicket();
        logger.info({ kind, expiresIn: answer.expires_in }, 'jsapi ticket refreshed');
        return { value: answer.ticket, expiresIn: answer.expires_in };
      },
      onBusy: () =>
        new WecomUnavailableError(
          kind === 'corp' ? apiPaths.getJsapiTicket : apiPaths.getAgentConfigTicket,
          'busy',
          'another instance holds the ticket lock',
        ),
    });
  const caches: Record<TicketKind, ExpiringCache> = {
    corp: cacheOf('corp', `jsapi-ticket:corp:${corpId}`),
    agent: cacheOf('agent', `jsapi-ticket:agent:${corpId}:${agentId}`),
  };

  return {
    async get(kind) {
      const { value, raw } = await caches[kind].get();
      return { kind, ticket: value, raw };
    },
    async invalidate(failed) {
      const deleted = await caches[failed.kind].invalidate({
        value: failed.ticket,
        fromCache: true,
        raw: failed.raw,
      });
      logger.info({ kind: failed.kind, deleted }, 'jsapi ticket invalidated');
      return deleted;
    },
  };
}
