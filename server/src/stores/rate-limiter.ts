import { randomUUID } from 'node:crypto';
import type { Counter, Store } from './store';

/**
 * Fixed-window limits kept in the store, so every instance shares them: at most `points` per key
 * per window. Built on the store's atomic counters (INCRBY + PEXPIRE in one script on Redis), so
 * a counter can be read in the same round trip as the session it belongs to.
 */
export interface RateLimiterOptions {
  /** Names the counter family in the store (`ratelimit:<name>:<key>`); [a-z0-9-] only. */
  name: string;
  points: number;
  windowSeconds: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  readonly windowMs: number;
  /** The store key of `key`'s counter (to be incremented together with another read). */
  counterKey(key: string): string;
  /** Takes one point for `key`; rejects with `StoreUnavailableError` when the store is down. */
  consume(key: string): Promise<RateLimitDecision>;
  /** Gives back a point taken by `consume` (the attempt turned out not to count). */
  refund(key: string): Promise<void>;
  /** The decision for a counter already incremented elsewhere (`Store.getAndIncrement`). */
  decide(counter: Counter): RateLimitDecision;
}

const NAME = /^[a-z0-9-]{1,40}$/;
const MAX_KEY_LENGTH = 128;

export function createRateLimiter(store: Store, options: RateLimiterOptions): RateLimiter {
  if (!NAME.test(options.name)) throw new Error(`bad rate limiter name ${options.name}`);
  const windowMs = options.windowSeconds * 1000;
  const counterKey = (key: string) => `ratelimit:${options.name}:${key.slice(0, MAX_KEY_LENGTH)}`;
  const decide = (counter: Counter): RateLimitDecision =>
    counter.count <= options.points
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(counter.ttlMs / 1000)) };
  return {
    windowMs,
    counterKey,
    decide,
    consume: async (key) => decide(await store.increment(counterKey(key), windowMs)),
    refund: async (key) => {
      await store.increment(counterKey(key), windowMs, -1);
    },
  };
}

/**
 * Attempts of which only the failures count, for work that costs whether it succeeds or not (a
 * login-code exchange): at most `points` failures per key and window, and an attempt runs only
 * while it holds one of the key's slots, which are free while failures + slots held < `points`.
 * So however many attempts arrive at once, at most `points` of them fail per window, and
 * successful ones never use the budget up. Kept in the store (every instance shares the slots);
 * a slot is a lease renewed while its attempt runs, so the slots of an instance that died free
 * themselves after `slotTtlMs`.
 *
 * Callers of one key wait in one line per process, first come first served: slots are asked for
 * on behalf of the first callers in one round trip, again at once when this process releases a
 * slot of the key, else every `pollMs` or so (a slot released by another instance).
 */
export interface AttemptLimiterOptions {
  /** Names the keys in the store (`ratelimit:<name>:{<key>}`); [a-z0-9-] only. */
  name: string;
  points: number;
  windowSeconds: number;
  /** A slot's lease; renewed every third of it while held. */
  slotTtlMs: number;
  /** Callers that may wait for one key's slots in this process; more are answered `busy` at once. */
  maxWaiting: number;
  pollMs?: number;
}

export type SlotDecision =
  | { granted: true; release(): Promise<void> }
  /** `failures`: the key's failures reached `points`; `busy`: no slot before the deadline. */
  | { granted: false; reason: 'failures' | 'busy'; retryAfterSeconds: number };

export interface AttemptLimiter {
  /**
   * One of `key`'s slots, waiting for it until `signal` aborts; refused at once (and every caller
   * waiting with it) when the key's failures reached the limit. Release the slot when the attempt
   * is over, after `countFailure` if it failed; a release that cannot reach the store is left to
   * the lease.
   */
  acquire(key: string, signal: AbortSignal): Promise<SlotDecision>;
  /** Counts one failure of `key` in the current window. */
  countFailure(key: string): Promise<void>;
}

interface Waiter {
  settle(decision: SlotDecision | Error): void;
  /** The deadline passed while slots were being asked for on its behalf: the answer decides. */
  expired: boolean;
}

interface Line {
  /** Callers waiting, in order of arrival. */
  waiters: Waiter[];
  /** The first callers, out of `waiters` while slots are being asked for on their behalf. */
  asked: Waiter[];
  /** This process released a slot of the key since the head last asked the store. */
  freed: boolean;
  /** Ends the head's pause, while it pauses. */
  resume?: () => void;
}

/**
 * Slots asked for in one round trip, for the first callers of a line. A caller whose deadline
 * passes while its ask is in flight gets the answer (a slot, or busy then).
 */
const MAX_SLOTS_PER_ASK = 64;
const BUSY: SlotDecision = { granted: false, reason: 'busy', retryAfterSeconds: 1 };
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function createAttemptLimiter(store: Store, options: AttemptLimiterOptions): AttemptLimiter {
  if (!NAME.test(options.name)) throw new Error(`bad rate limiter name ${options.name}`);
  const { points, slotTtlMs, maxWaiting, pollMs = 50 } = options;
  const windowMs = options.windowSeconds * 1000;
  const tag = (key: string) => `{${key.slice(0, MAX_KEY_LENGTH).replace(/[{}]/g, '')}}`;
  const counterKey = (key: string) => `ratelimit:${options.name}:${tag(key)}`;
  const slotsKey = (key: string) => `${counterKey(key)}:slots`;
  const take = (key: string, holders: readonly string[]) =>
    store.takeSlots(slotsKey(key), holders, {
      counterKey: counterKey(key),
      limit: points,
      ttlMs: slotTtlMs,
    });
  const lines = new Map<string, Line>();

  function lease(key: string, holder: string): SlotDecision {
    const renew = setInterval(() => take(key, [holder]).catch(() => undefined), slotTtlMs / 3);
    renew.unref();
    return {
      granted: true,
      async release() {
        clearInterval(renew);
        await store.releaseSlot(slotsKey(key), holder).catch(() => undefined);
        const line = lines.get(key);
        if (line) {
          line.freed = true;
          line.resume?.();
        }
      },
    };
  }

  const pause = (line: Line) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        line.resume = undefined;
        resolve();
      };
      const timer = setTimeout(done, pollMs * (0.5 + Math.random()));
      line.resume = done;
    });

  /** Hands slots to the line's callers in order until none waits. */
  async function serve(key: string, line: Line): Promise<void> {
    try {
      while (line.waiters.length > 0) {
        line.freed = false;
        line.asked = line.waiters.splice(0, Math.min(points, MAX_SLOTS_PER_ASK));
        const holders = line.asked.map(() => randomUUID());
        const answer = await take(key, holders);
        const left = line.asked.splice(answer.taken);
        for (const [i, waiter] of line.asked.splice(0).entries())
          waiter.settle(lease(key, holders[i]!));
        if (left.length === 0) continue;
        if (answer.counter.count >= points) {
          const refused: SlotDecision = {
            granted: false,
            reason: 'failures',
            retryAfterSeconds: seconds(answer.counter.ttlMs),
          };
          for (const waiter of [...left, ...line.waiters.splice(0)]) waiter.settle(refused);
          continue;
        }
        // Callers whose deadline passed during the ask leave; the others keep their place.
        for (const waiter of left.filter((w) => w.expired)) waiter.settle(BUSY);
        line.waiters.unshift(...left.filter((w) => !w.expired));
        if (!line.freed) await pause(line);
      }
    } catch (error) {
      for (const waiter of [...line.asked.splice(0), ...line.waiters.splice(0)])
        waiter.settle(error as Error);
    } finally {
      lines.delete(key);
    }
  }

  return {
    acquire: (key, signal) =>
      new Promise((resolve, reject) => {
        const existing = lines.get(key);
        const waiting = existing ? existing.waiters.length + existing.asked.length : 0;
        if (signal.aborted || waiting >= maxWaiting) return resolve(BUSY);
        const line: Line = existing ?? { waiters: [], asked: [], freed: false };
        const waiter: Waiter = {
          expired: false,
          settle(decision) {
            signal.removeEventListener('abort', timedOut);
            if (decision instanceof Error) reject(decision);
            else resolve(decision);
          },
        };
        const timedOut = () => {
          const index = line.waiters.indexOf(waiter);
          if (index < 0) {
            waiter.expired = true;
            return;
          }
          line.waiters.splice(index, 1);
          resolve(BUSY);
        };
        signal.addEventListener('abort', timedOut, { once: true });
        line.waiters.push(waiter);
        if (!existing) {
          lines.set(key, line);
          void serve(key, line);
        }
      }),
    countFailure: async (key) => {
      await store.increment(counterKey(key), windowMs);
    },
  };
}
