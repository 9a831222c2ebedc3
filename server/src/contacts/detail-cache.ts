import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import { createMemo } from '../stores/memo';
import { createSingleFlight } from '../stores/once';
import type { Store } from '../stores/store';
import { WecomUnavailableError } from '../wecom/errors';

/**
 * A read-through cache of WeCom details (customers, groups) shared by every employee: JSON values
 * under `detail:<kind>:<id>` for `ttlSeconds` (0 = off). Authorization happens on every request
 * from the cached detail, never in the cache.
 *
 * - "Absent" answers (no such id, or WeCom refused to show this one) are remembered too, for at
 *   most `absentTtlSeconds`, so repeated reads of unknown ids do not multiply WeCom calls.
 * - Misses are loaded each id once per call, concurrent loads of one id share one call, and at
 *   most `parallelism` loads run at a time in this process (WeCom answers 45033 to too many
 *   concurrent calls of one API). Waiting for a slot counts against the call's deadline
 *   (`timeoutMs` from the moment the load is asked for); when `maxWaiting` loads already wait,
 *   the load fails at once with `WecomUnavailableError` (busy).
 * - Decoded details are also kept in this process for a few seconds (at most the TTL), so a burst
 *   of reads of one customer costs neither a store round trip nor parsing.
 */
export type Absent = { absent: 'not_found' | 'hidden'; errcode?: number };
export type Lookup<T> = T | Absent;

export const isAbsent = <T>(value: Lookup<T>): value is Absent =>
  typeof value === 'object' && value !== null && 'absent' in value;

export interface DetailCache<T> {
  /** Distinct ids only; answers in the same order. Stops starting loads after the first failure. */
  getMany(ids: readonly string[]): Promise<Lookup<T>[]>;
  /** Drops a detail here and in the store, so the next read asks WeCom again. */
  forget(id: string): Promise<void>;
  /**
   * Drops this process's memo of a detail (another instance dropped it from the store). A load of
   * it still in flight here does not remember its answer, and when this process loaded it in the
   * last few seconds (it may have stored it after the other instance's delete) the store entry is
   * dropped again.
   */
  forgetLocally(id: string): Promise<void>;
}

export interface DetailCacheDeps<T> {
  store: Store;
  kind: string;
  schema: z.ZodType<T>;
  ttlSeconds: number;
  /** How long an absent answer is remembered (capped by `ttlSeconds`). */
  absentTtlSeconds: number;
  /** Loads one id from WeCom; `signal` ends when the deadline passes. */
  load: (id: string, signal: AbortSignal) => Promise<Lookup<T>>;
  /** The WeCom API behind `load` (for errors). */
  api: string;
  parallelism: number;
  maxWaiting: number;
  timeoutMs: number;
  /** Called once per id read: hit or miss (metrics). */
  onLookup?: (hit: boolean) => void;
}

const MEMO_SIZE = 1000;
const MEMO_TTL_MS = 5000;
/** A load that stored its answer this recently may have raced a drop on another instance. */
const RECENT_STORE_MS = 10_000;

const absentSchema = z.object({
  absent: z.enum(['not_found', 'hidden']),
  errcode: z.number().optional(),
});

export function createDetailCache<T>(deps: DetailCacheDeps<T>): DetailCache<T> {
  const { store, kind, schema, ttlSeconds, load, onLookup = () => {} } = deps;
  const absentTtlMs = Math.min(deps.absentTtlSeconds, ttlSeconds) * 1000;
  const keyOf = (id: string) => `detail:${kind}:${id}`;
  const entrySchema = z.union([absentSchema, schema]);
  const memo =
    ttlSeconds > 0
      ? createMemo<string, { value: Lookup<T> }>(
          MEMO_SIZE,
          Math.min(ttlSeconds * 1000, MEMO_TTL_MS),
        )
      : undefined;
  const loads = createSingleFlight<Lookup<T>>();
  const slots = createSlots(deps);
  // Ids loading now (one load per id: single flight), and those dropped while loading: such a
  // load may have read WeCom before the change, so it answers its caller but remembers nothing.
  const inFlight = new Set<string>();
  const droppedWhileLoading = new Set<string>();
  const recentlyStored = createMemo<string, true>(MEMO_SIZE, RECENT_STORE_MS);

  const decode = (raw: string | null): Lookup<T> | undefined => {
    if (raw === null) return undefined;
    try {
      const parsed = entrySchema.safeParse(JSON.parse(raw));
      return parsed.success ? (parsed.data as Lookup<T>) : undefined;
    } catch {
      return undefined;
    }
  };

  const loadAndRemember = (id: string, signal: AbortSignal) =>
    loads.run(id, async () => {
      inFlight.add(id);
      try {
        const value = await load(id, signal);
        const ttlMs = isAbsent(value) ? absentTtlMs : ttlSeconds * 1000;
        if (ttlMs > 0 && !droppedWhileLoading.has(id)) {
          await store.set(keyOf(id), JSON.stringify(value), ttlMs);
          recentlyStored.set(id, true);
          if (droppedWhileLoading.has(id)) await store.delete(keyOf(id));
          else memo?.set(id, { value }, { ttl: Math.min(ttlMs, MEMO_TTL_MS) });
        }
        return value;
      } finally {
        inFlight.delete(id);
        droppedWhileLoading.delete(id);
      }
    });

  const drop = (id: string) => {
    if (inFlight.has(id)) droppedWhileLoading.add(id);
    memo?.delete(id);
  };

  async function getMany(ids: readonly string[]): Promise<Lookup<T>[]> {
    const found: (Lookup<T> | undefined)[] = ids.map((id) => memo?.get(id)?.value);
    const unseen = ids.filter((_, index) => found[index] === undefined);
    if (memo && unseen.length > 0) {
      const stored = (await store.getMany(unseen.map(keyOf))).map(decode);
      let next = 0;
      found.forEach((value, index) => {
        if (value !== undefined) return;
        const cached = stored[next++];
        found[index] = cached;
        if (cached !== undefined) memo.set(ids[index]!, { value: cached });
      });
    }
    for (const value of found) onLookup(value !== undefined);
    if (!found.includes(undefined)) return found as Lookup<T>[];
    // One deadline for this call's loads, waiting for a slot included.
    const deadline = AbortSignal.timeout(deps.timeoutMs);
    // Every load of this call that waits for a slot listens to it (at most one per id).
    setMaxListeners(ids.length + 1, deadline);
    let failed = false;
    const loadOne = async (id: string) => {
      try {
        return await loadAndRemember(id, deadline);
      } catch (error) {
        failed = true;
        throw error;
      }
    };
    await Promise.all(
      found.map(async (value, index) => {
        if (value === undefined)
          found[index] = await slots(
            () => loadOne(ids[index]!),
            deadline,
            () => failed,
          );
      }),
    );
    return found as Lookup<T>[];
  }

  return {
    getMany,
    async forget(id) {
      drop(id);
      await store.delete(keyOf(id));
    },
    async forgetLocally(id) {
      const raced = inFlight.has(id) || recentlyStored.has(id);
      drop(id);
      recentlyStored.delete(id);
      if (raced) await store.delete(keyOf(id));
    },
  };
}

/**
 * A counting semaphore with a bounded queue: at most `parallelism` tasks run; a caller waits for
 * a slot until `signal` ends (then `WecomUnavailableError` timeout), and when `maxWaiting`
 * callers already wait it fails at once (busy). `skip()` true when a slot comes: the task is not
 * run (another load of the same call already failed).
 */
function createSlots(options: { parallelism: number; maxWaiting: number; api: string }) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    // Hand the slot straight to the next waiter, or give it back.
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async <R>(
    task: () => Promise<R>,
    signal: AbortSignal,
    skip: () => boolean,
  ): Promise<R | undefined> => {
    if (active < options.parallelism) active++;
    else {
      if (waiting.length >= options.maxWaiting) {
        throw new WecomUnavailableError(options.api, 'busy', 'too many calls waiting for WeCom');
      }
      await new Promise<void>((resolve, reject) => {
        const timedOut = () =>
          new WecomUnavailableError(
            options.api,
            'timeout',
            'no WeCom call slot before the deadline',
          );
        if (signal.aborted) return reject(timedOut());
        const granted = () => {
          signal.removeEventListener('abort', expired);
          resolve();
        };
        const expired = () => {
          const index = waiting.indexOf(granted);
          if (index >= 0) waiting.splice(index, 1);
          reject(timedOut());
        };
        waiting.push(granted);
        signal.addEventListener('abort', expired, { once: true });
      });
    }
    try {
      return skip() ? undefined : await task();
    } finally {
      release();
    }
  };
}
