import { randomUUID } from 'node:crypto';
import type { Store } from './store';

/**
 * The two "do it once" mechanisms of the server: one in-process, one across every instance that
 * shares the store. Token refreshes, login-code exchanges, detail loads (and anything else that
 * must not run twice at once and whose result the waiting callers share) use these and nothing
 * else; work that only needs to run alone takes the lock (lock.ts).
 */

/** In-process single flight: concurrent `run(key, task)` calls with one key share one promise. */
export interface SingleFlight<T> {
  run(key: string, task: () => Promise<T>): Promise<T>;
}

export function createSingleFlight<T>(): SingleFlight<T> {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, task) {
      const running = inFlight.get(key);
      if (running) return running;
      const promise = task().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
  };
}

export interface OnceAcrossInstancesOptions<T> {
  store: Store;
  /** The claim: held (SET NX with an owner) by the one instance that produces. */
  lockKey: string;
  /** How long a claim lives if its holder dies; longer than `produce` can take. */
  lockTtlMs: number;
  /** How long a caller waits for another instance's result before giving up. */
  waitMs: number;
  pollMs?: number;
  /**
   * The shared result if there is one yet (it may also throw, e.g. a remembered failure).
   * `first` is true on the caller's first look, before it has waited for anyone.
   */
  read(first: boolean): Promise<T | undefined>;
  /** Makes and stores the result; runs only while holding the claim, after a last `read`. */
  produce(): Promise<T>;
  /** The error when `waitMs` passes while another instance still holds the claim. */
  onTimeout(): Error;
  now?: () => number;
}

/**
 * Runs `produce` once across all instances sharing the store: read the result; else claim the
 * lock and, holding it, read again and produce; else wait (poll) for the holder's result.
 */
export async function onceAcrossInstances<T>(options: OnceAcrossInstancesOptions<T>): Promise<T> {
  const { store, lockKey, lockTtlMs, waitMs, pollMs = 25, now = Date.now } = options;
  const owner = randomUUID();
  const deadline = now() + waitMs;
  for (let first = true; ; first = false) {
    const found = await options.read(first);
    if (found !== undefined) return found;
    if (await store.setIfAbsent(lockKey, owner, lockTtlMs)) {
      try {
        return (await options.read(false)) ?? (await options.produce());
      } finally {
        await store.deleteIfEquals(lockKey, owner).catch(() => false);
      }
    }
    if (now() > deadline) throw options.onTimeout();
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
