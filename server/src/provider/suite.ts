import type { Logger } from 'pino';
import { z } from 'zod';
import type { SuiteEntry } from '../config/corps-file';
import type { Store } from '../stores/store';
import { apiPaths } from '../wecom/api-paths';
import { WecomUnavailableError } from '../wecom/errors';
import { createExpiringCache } from '../wecom/expiring-cache';
import type { ProviderApi } from '../wecom/provider-api';
import type { RefreshSchedule } from '../wecom/refresh-schedule';

/**
 * One suite of the provider: its latest suite_ticket and its suite_access_token, both in the
 * store. The ticket WeCom pushes every 10 minutes is kept under the suite's own key (a restart
 * keeps it, two suites never overwrite each other's); the token is fetched with it at most once
 * at a time across every instance and refreshed ahead of its end (wecom/expiring-cache.ts).
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
  const tokens = createExpiringCache({
    store,
    key: `suite:${entry.suiteId}:token`,
    fetchTimeoutMs: deps.timeoutMs * 2,
    schedule: deps.schedule,
    now: deps.now,
    onRefreshFailed: (error) =>
      logger.warn({ suiteId: entry.suiteId, err: error }, 'suite token refresh ahead failed'),
    async fetch() {
      const kept = await readTicket();
      if (!kept)
        throw new WecomUnavailableError(
          apiPaths.getSuiteToken,
          'busy',
          'no suite_ticket yet: WeCom pushes one to the suite’s 指令回调 URL every 10 minutes',
        );
      const { token, expiresIn } = await api.getSuiteToken({
        suiteId: entry.suiteId,
        secret: entry.secret,
        ticket: kept.ticket,
      });
      logger.info({ suiteId: entry.suiteId, expiresIn }, 'suite access token refreshed');
      return { value: token, expiresIn };
    },
    onBusy: () =>
      new WecomUnavailableError(apiPaths.getSuiteToken, 'busy', 'another instance holds the lock'),
  });
  const token = async () => (await tokens.get()).value;
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
