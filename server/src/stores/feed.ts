import type { z } from 'zod';
import type { Store } from './store';

/**
 * An append-only feed of typed entries with a monotonically increasing `seq`, readable from any
 * `seq` a reader last saw (`read(after)`, `next` = the `after` of the following page, null at the
 * end). The callback events log and the org change feed are feeds.
 */
export interface Feed<T> {
  /** Appends entries (in order) and answers them with their `seq`. */
  append(entries: readonly T[]): Promise<(T & { seq: number })[]>;
  read(
    after: number,
    limit: number,
  ): Promise<{ entries: (T & { seq: number })[]; next: number | null }>;
}

export function createFeed<T>(
  store: Store,
  options: {
    /** [a-z0-9-]: the feed's keys are `feed:{<name>}` and `feed:{<name>}:seq`. */
    name: string;
    schema: z.ZodType<T>;
    /** Keep only the newest entries (default: keep all). */
    maxLength?: number;
  },
): Feed<T> {
  if (!/^[a-z0-9-]{1,40}$/.test(options.name)) throw new Error(`bad feed name ${options.name}`);
  const key = `feed:{${options.name}}`;
  return {
    async append(entries) {
      if (entries.length === 0) return [];
      const first = await store.appendToLog(
        key,
        entries.map((entry) => JSON.stringify(entry)),
        options.maxLength,
      );
      return entries.map((entry, index) => ({ ...entry, seq: first + index }));
    },
    async read(after, limit) {
      // One more than asked tells whether another page follows.
      const raw = await store.readLog(key, after, limit + 1);
      const entries = raw.slice(0, limit).flatMap(({ seq, value }) => {
        const parsed = options.schema.safeParse(JSON.parse(value));
        return parsed.success ? [{ ...parsed.data, seq }] : [];
      });
      const last = raw[Math.min(limit, raw.length) - 1];
      return { entries, next: raw.length > limit && last ? last.seq : null };
    },
  };
}
