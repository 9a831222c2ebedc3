import type { z } from 'zod';
import { compareStreamIds, type Store, type StreamRange } from './store';

/**
 * An append-only feed of typed entries on a store stream. Each entry's `seq` is an opaque string
 * (a stream id, `<ms>-<n>`) that increases in feed order and is never given to two entries, also
 * after a Redis failover that lost the last appends (see the store's `streamAppend`). Code outside
 * the feed compares or stores a `seq`, never computes with it. The feed keeps `retentionDays` of
 * entries (and at most `maxLength`); a reader whose position is older than that gets
 * `FeedExpiredError`. The callback events log and the org change feed are feeds.
 */
export interface Feed<T> {
  /** Appends entries (in order, in one step) and answers them with their `seq`. */
  append(entries: readonly T[]): Promise<(T & { seq: string })[]>;
  /**
   * A page: oldest first after `range.after` (`0` = from the oldest kept), or newest first
   * before `range.before` (absent = from the newest). `next` is the `after` (or `before`) of the
   * following page, null at the end. With a filter, at most `FILTERED_SCAN` entries are looked at
   * per read: a page may hold fewer than `limit` entries and still have a `next`.
   */
  read(query: FeedQuery<T>): Promise<FeedPage<T>>;
  /** The `seq` of the newest entry kept (`0` for an empty feed). */
  newest(): Promise<string>;
}

export interface FeedQuery<T> {
  range: StreamRange;
  limit: number;
  filter?: (entry: T) => boolean;
}

export interface FeedPage<T> {
  entries: (T & { seq: string })[];
  next: string | null;
}

/**
 * The records after the reader's `after` are no longer kept (older than the retention). `next`
 * is the newest `seq` kept now (`0` for an empty feed): read the snapshot, then follow from it.
 */
export class FeedExpiredError extends Error {
  readonly next: string;
  constructor(feed: string, next: string) {
    super(`feed ${feed}: the records after this position are no longer kept`);
    this.name = 'FeedExpiredError';
    this.next = next;
  }
}

/** Entries a filtered read looks at, at most, per request. */
export const FILTERED_SCAN = 2000;
/** Entries fetched per store round trip by a filtered read. */
const FILTERED_BATCH = 500;
const DAY_MS = 24 * 3600 * 1000;

/** The store key of the feed named `name`. */
export const feedKey = (name: string) => `feed:{${name}}:stream`;

export function createFeed<T>(
  store: Store,
  options: {
    /** [a-z0-9-]: the feed's stream is the key `feed:{<name>}:stream`. */
    name: string;
    schema: z.ZodType<T>;
    /** Entries older than this many days are dropped (on the next append). */
    retentionDays: number;
    /** Keep at most the newest this many entries too (default: no count limit). */
    maxLength?: number;
    now?: () => number;
  },
): Feed<T> {
  const { name, schema, retentionDays, maxLength, now = Date.now } = options;
  if (!/^[a-z0-9-]{1,40}$/.test(name)) throw new Error(`bad feed name ${name}`);
  const key = feedKey(name);
  const parse = (value: string): T | undefined => {
    try {
      const parsed = schema.safeParse(JSON.parse(value));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  const newest = async () => (await store.streamRange(key, {}, 1)).entries[0]?.id ?? '0';

  return {
    newest,
    async append(entries) {
      if (entries.length === 0) return [];
      const ids = await store.streamAppend(
        key,
        entries.map((entry) => JSON.stringify(entry)),
        { minId: `${Math.max(1, now() - retentionDays * DAY_MS)}-0`, maxLength },
      );
      return entries.map((entry, index) => ({ ...entry, seq: ids[index]! }));
    },

    async read({ range, limit, filter }) {
      const ascending = 'after' in range;
      const budget = filter ? Math.max(limit, FILTERED_SCAN) : limit;
      const batch = filter ? Math.max(limit, FILTERED_BATCH) : limit;
      const entries: (T & { seq: string })[] = [];
      let position = range;
      let scanned = 0;
      for (;;) {
        const want = Math.min(batch, budget - scanned);
        // One more than wanted tells whether another page follows.
        const page = await store.streamRange(key, position, want + 1);
        if (
          scanned === 0 &&
          'after' in range &&
          range.after !== '0' &&
          compareStreamIds(range.after, page.trimmedThrough) < 0
        )
          throw new FeedExpiredError(name, await newest());
        const raw = page.entries;
        for (let i = 0; i < Math.min(want, raw.length); i++) {
          const { id, value } = raw[i]!;
          scanned += 1;
          const entry = parse(value);
          if (entry !== undefined && (!filter || filter(entry)))
            entries.push({ ...entry, seq: id });
          if (entries.length === limit) return { entries, next: i + 1 < raw.length ? id : null };
        }
        if (raw.length <= want) return { entries, next: null };
        const last = raw[want - 1]!.id;
        if (scanned >= budget) return { entries, next: last };
        position = ascending ? { after: last } : { before: last };
      }
    },
  };
}
