import type { Logger } from '../logger';
import { FeedExpiredError } from '../stores/feed';
import { LockBusyError, withLock } from '../stores/lock';
import { compareStreamIds, type Store } from '../stores/store';
import { type Message, messageBody, type Outcome } from './delivery';
import type { EndpointStore } from './endpoints';
import type { Attempt, LaneState, StoredEndpoint } from './model';
import type { WebhookSource } from './sources';

/**
 * An endpoint's lane: its messages in feed order, one at a time, by one instance at a time. A
 * pump holds the lane's lock (stores/lock.ts) while it delivers, reads the feeds after the lane's positions, merges them in `seq` order and delivers
 * each record the endpoint subscribes to; the next record is sent only after a 2xx. The lane's
 * positions and the attempts are written to the store together, once per batch read or per
 * `SAVE_EVERY_MS` of delivering, and at once on a failure — not per delivery: the deliveries share
 * the process (and its Redis connection) with the callback receivers, whose answers must not wait
 * behind two store writes per webhook. At least once: a pump that dies before saving is followed
 * by one that sends those records again, with the same `webhook-id`. A failed attempt stops the
 * lane until the retry is due (the back-off grows with each failure of the same record); when the
 * retries run out the endpoint is disabled. Another pump that finds the lock held does nothing:
 * after releasing it, the holder looks once more for records that arrived meanwhile.
 */

export interface LaneDeps {
  store: Store;
  endpoints: EndpointStore;
  sources: readonly WebhookSource[];
  /** Sends one message to an endpoint (one HTTP attempt). */
  send(endpoint: StoredEndpoint, message: Message): Promise<Outcome>;
  /** Resolves when the event loop has room for another delivery (see pacer.ts). */
  room(): Promise<void>;
  /** Keeps attempts of one endpoint, in one store write. */
  record(id: string, attempts: readonly Attempt[]): Promise<void>;
  /** Asks for a pump of this lane at `atMs` (the retry). */
  retryAt(id: string, atMs: number): void;
  /** Delay before each retry of one record; when they run out the endpoint is disabled. */
  backoffMs: readonly number[];
  logger: Logger;
  now: () => number;
}

/** Records read per feed per step. */
const BATCH = 100;
/** Longest a lane delivers before writing its positions and attempts. */
const SAVE_EVERY_MS = 1000;
/** The lock's lease: longer than one delivery's deadline; renewed every third of it. */
const LOCK_LEASE_MS = 30_000;

const lockKey = (id: string) => `webhooks:lane:{${id}}`;

export const messageId = (source: string, seq: string) => `msg_${source}_${seq}`;

interface Item {
  source: WebhookSource;
  record: object & { seq: string; at?: unknown };
}

export interface Lanes {
  /** Delivers what is due to this endpoint, unless another pump holds its lane. */
  pump(id: string): Promise<void>;
  /** The message of a feed record, as its lane sends it. */
  messageOf(item: Item, type: string): Message;
  /** Where new lanes start: the newest `seq` of each feed (or `from` for all). */
  startPositions(from?: string): Promise<Record<string, string>>;
}

export function createLanes(deps: LaneDeps): Lanes {
  const { store, endpoints, sources, logger, now } = deps;

  const messageOf = (item: Item, type: string): Message => {
    const at = typeof item.record.at === 'string' ? item.record.at : new Date(now()).toISOString();
    return {
      id: messageId(item.source.name, item.record.seq),
      type,
      body: messageBody(type, at, item.record),
    };
  };

  /** The next records of every feed after the lane's positions, merged in `seq` order. */
  async function nextItems(state: LaneState): Promise<Item[]> {
    const pages = await Promise.all(
      sources.map(async (source) => {
        const after = state.positions[source.name] ?? '0';
        try {
          return { source, ...(await source.feed.read({ range: { after }, limit: BATCH })) };
        } catch (error) {
          if (!(error instanceof FeedExpiredError)) throw error;
          logger.warn(
            { feed: source.name, after, next: error.next },
            'webhook lane fell behind the feed retention: records were skipped',
          );
          state.positions[source.name] = error.next;
          return { source, entries: [], next: null };
        }
      }),
    );
    // A feed with more to read bounds what can be merged now: nothing of another feed past it.
    let cutoff: string | undefined;
    for (const page of pages) {
      const last = page.entries.at(-1)?.seq;
      if (page.next !== null && last && (!cutoff || compareStreamIds(last, cutoff) < 0))
        cutoff = last;
    }
    return pages
      .flatMap((page) => page.entries.map((record) => ({ source: page.source, record })))
      .filter((item) => !cutoff || compareStreamIds(item.record.seq, cutoff) <= 0)
      .sort((a, b) => compareStreamIds(a.record.seq, b.record.seq));
  }

  async function fail(endpoint: StoredEndpoint, state: LaneState, outcome: Outcome) {
    const failures = state.failures + 1;
    const lastError = outcome.error ?? `HTTP ${outcome.status}`;
    const delay = deps.backoffMs[failures - 1];
    if (delay === undefined) {
      logger.warn(
        { endpoint: endpoint.id, failures, lastError },
        'webhook endpoint disabled: its retries ran out',
      );
      await endpoints.putLane(endpoint.id, { ...state, failures, retryAt: undefined, lastError });
      const current = await endpoints.get(endpoint.id);
      if (current)
        await endpoints.put({
          ...current,
          enabled: false,
          disabled: { reason: 'failing', at: new Date(now()).toISOString() },
        });
      return;
    }
    const retryAt = now() + delay;
    await endpoints.putLane(endpoint.id, { ...state, failures, retryAt, lastError });
    deps.retryAt(endpoint.id, retryAt);
  }

  /** Delivers until the lane is empty ('idle') or must wait ('stopped'). */
  async function drain(id: string, lost: AbortSignal): Promise<'idle' | 'stopped'> {
    for (;;) {
      const endpoint = await endpoints.get(id);
      if (!endpoint?.enabled) return 'stopped';
      const state = await endpoints.lane(id);
      if (state.retryAt !== undefined && state.retryAt > now()) {
        deps.retryAt(id, state.retryAt);
        return 'stopped';
      }
      const items = await nextItems(state);
      if (items.length === 0) {
        await endpoints.putLane(id, state);
        return 'idle';
      }
      const attempts: Attempt[] = [];
      let savedAt = now();
      const save = async () => {
        await deps.record(id, attempts.splice(0));
        await endpoints.putLane(id, state);
        savedAt = now();
      };
      for (const item of items) {
        const type = item.source.typeOf(item.record);
        if (type && endpoint.events.includes(type)) {
          await deps.room();
          const message = messageOf(item, type);
          const at = new Date(now()).toISOString();
          const outcome = await deps.send(endpoint, message);
          attempts.push({
            deliveryId: message.id,
            type,
            at,
            feedSeq: item.record.seq,
            attempt: state.failures + 1,
            trigger: 'feed',
            ...outcome,
          });
          if (!outcome.ok) {
            await deps.record(id, attempts);
            return fail(endpoint, state, outcome).then(() => 'stopped' as const);
          }
          state.failures = 0;
          state.retryAt = undefined;
          state.lastError = undefined;
        }
        state.positions[item.source.name] = item.record.seq;
        if (lost.aborted) return 'stopped';
        if (now() - savedAt >= SAVE_EVERY_MS) await save();
      }
      await save();
    }
  }

  /** After releasing the lock: has a record arrived since the lane last looked? */
  async function hasNew(id: string): Promise<boolean> {
    const endpoint = await endpoints.get(id);
    if (!endpoint?.enabled) return false;
    const state = await endpoints.lane(id);
    if (state.retryAt !== undefined) return false;
    const pages = await Promise.all(
      sources.map((source) =>
        source.feed
          .read({ range: { after: state.positions[source.name] ?? '0' }, limit: 1 })
          .catch(() => ({ entries: [1] })),
      ),
    );
    return pages.some((page) => page.entries.length > 0);
  }

  return {
    messageOf,
    async pump(id) {
      for (;;) {
        let result: 'idle' | 'stopped';
        try {
          result = await withLock(store, lockKey(id), { leaseMs: LOCK_LEASE_MS }, (lost) =>
            drain(id, lost),
          );
        } catch (error) {
          if (error instanceof LockBusyError) return;
          throw error;
        }
        if (result === 'stopped' || !(await hasNew(id))) return;
      }
    },
    async startPositions(from) {
      const positions: Record<string, string> = {};
      for (const source of sources) {
        positions[source.name] = from ?? (await source.feed.newest());
      }
      return positions;
    },
  };
}
