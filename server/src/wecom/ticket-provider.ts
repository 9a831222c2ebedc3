import type { Logger } from 'pino';
import { z } from 'zod';
import { createSingleFlight, onceAcrossInstances } from '../stores/once';
import type { Store } from '../stores/store';
import type { WecomApi } from './api';
import { WecomUnavailableError } from './errors';

/**
 * JS-SDK tickets, kept like access tokens: the corp's jsapi_ticket (`wx.config`, one per corp)
 * and the app's agent_config ticket (`wx.agentConfig`, one per corp and AgentId, fetched with
 * that app's own token). Each is cached in the store until `expires_in` minus a margin; at most
 * one fetch at a time across every process sharing the store (in-process single flight, then a
 * store lock re-checked after taking it). WeCom allows few fetches (about 100 an hour per app),
 * so nothing here fetches without a cache miss or an invalidation of the exact ticket that
 * failed (compare-and-delete). Tickets never leave the server; they are only signed with.
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
  pollMs?: number;
  onRefresh?: (kind: TicketKind) => void;
}

const storedTicketSchema = z.object({ ticket: z.string(), expiresAt: z.number() });

export function createTicketProvider(deps: TicketProviderDeps): TicketProvider {
  const {
    api,
    store,
    corpId,
    agentId,
    logger,
    timeoutMs,
    now = Date.now,
    marginSeconds = 300,
    pollMs = 25,
    onRefresh = () => {},
  } = deps;
  // A fetch may first need an access token: two WeCom calls.
  const lockTtlMs = timeoutMs * 4 + 1000;
  const fetches = createSingleFlight<JsapiTicket>();
  const keyOf: Record<TicketKind, string> = {
    corp: `jsapi-ticket:corp:${corpId}`,
    agent: `jsapi-ticket:agent:${corpId}:${agentId}`,
  };

  const fromStored = (kind: TicketKind, raw: string): JsapiTicket => ({
    kind,
    ticket: storedTicketSchema.parse(JSON.parse(raw)).ticket,
    raw,
  });

  async function fetchAndStore(kind: TicketKind): Promise<JsapiTicket> {
    onRefresh(kind);
    const answer = kind === 'corp' ? await api.getJsapiTicket() : await api.getAgentConfigTicket();
    const ttlSeconds = Math.max(answer.expires_in - marginSeconds, answer.expires_in / 2);
    const raw = JSON.stringify({
      ticket: answer.ticket,
      expiresAt: now() + answer.expires_in * 1000,
    });
    await store.set(keyOf[kind], raw, Math.floor(ttlSeconds * 1000));
    logger.info({ kind, expiresIn: answer.expires_in }, 'jsapi ticket refreshed');
    return fromStored(kind, raw);
  }

  function obtain(kind: TicketKind): Promise<JsapiTicket> {
    const key = keyOf[kind];
    return onceAcrossInstances({
      store,
      lockKey: `${key}:lock`,
      lockTtlMs,
      waitMs: lockTtlMs + 1000,
      pollMs,
      now,
      read: async () => {
        const cached = await store.get(key);
        return cached === null ? undefined : fromStored(kind, cached);
      },
      produce: () => fetchAndStore(kind),
      onTimeout: () =>
        new WecomUnavailableError(
          kind === 'corp' ? 'get_jsapi_ticket' : 'ticket/get',
          'busy',
          'another instance holds the ticket lock',
        ),
    });
  }

  return {
    get: (kind) => fetches.run(kind, () => obtain(kind)),
    async invalidate(failed) {
      const deleted = await store.deleteIfEquals(keyOf[failed.kind], failed.raw);
      logger.info({ kind: failed.kind, deleted }, 'jsapi ticket invalidated');
      return deleted;
    },
  };
}
