import type { Logger } from 'pino';
import { z } from 'zod';
import type { SuiteEntry } from '../config/corps-file';
import type { Store } from '../stores/store';
import type { ProviderApi } from '../wecom/provider-api';
import type { RefreshSchedule } from '../wecom/refresh-schedule';
import { createSuiteToken } from '../wecom/suite-token';

/**
 * One suite of the provider: its latest suite_ticket and its suite_access_token, both in the
 * store. The ticket WeCom pushes every 10 minutes is kept under the suite's own key (a restart
 * keeps it, two suites never overwrite each other's); the token is fetched with it at most once
 * at a time across every instance and refreshed ahead of its end (wecom/suite-token.ts).
 */
export interface Suite {
  readonly entry: Readonly<SuiteEntry>;
  /** Keeps a ticket from the 指令回调 (a newer one replaces it). */
  recordTicket(ticket: string, at: number): Promise<void>;
  /** When the kept ticket arrived (ms), or undefined before the first push. */
  ticketReceivedAt(): Promise<number | undefined>;
  /** The suite_access_token (fetched with the kept ticket when needed). */
  token(): Promise<string>;
  /** The link a corp's admin follows to install the suite (a new pre-auth code each time). */
  installUrl(redirectUri: string, state: string): Promise<string>;
}

export interface SuiteDeps {
  entry: Readonly<SuiteEntry>;
  api: ProviderApi;
  store: Store;
  schedule?: RefreshSchedule;
  logger: Logger;
  timeoutMs: number;
  /** Where WeCom's install page is (open.work.weixin.qq.com; the simulator in tests). */
  installBase: string;
  now?: () => number;
}

/** WeCom: a ticket stays valid 30 minutes; one older than this cannot make a token. */
export const TICKET_LIFETIME_MS = 30 * 60_000;
/** Kept a little longer than it lives, so the doctor can say how old the last one is. */
const TICKET_KEPT_MS = 2 * 60 * 60_000;

const ticketSchema = z.object({ ticket: z.string().min(1), at: z.number() });

export function createSuite(deps: SuiteDeps): Suite {
  const { entry, api, store, logger } = deps;
  const ticketKey = `suite:${entry.suiteId}:ticket`;
  const readTicket = async () => {
    const raw = await store.get(ticketKey);
    return raw === null ? undefined : ticketSchema.parse(JSON.parse(raw));
  };
  const token = createSuiteToken({
    suiteId: entry.suiteId,
    secret: entry.secret,
    ticket: async () => (await readTicket())?.ticket,
    api,
    store,
    schedule: deps.schedule,
    logger,
    timeoutMs: deps.timeoutMs,
    now: deps.now,
  });
  return {
    entry,
    async recordTicket(ticket, at) {
      await store.set(ticketKey, JSON.stringify({ ticket, at }), TICKET_KEPT_MS);
    },
    ticketReceivedAt: async () => (await readTicket())?.at,
    token,
    async installUrl(redirectUri, state) {
      const { code } = await api.getPreAuthCode(await token());
      const url = new URL('/3rdapp/install', deps.installBase);
      url.search = new URLSearchParams({
        suite_id: entry.suiteId,
        pre_auth_code: code,
        redirect_uri: redirectUri,
        state,
      }).toString();
      return url.toString();
    },
  };
}
