import { RATE_LIMITED } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';

/**
 * Bounds the WeCom calls of one sync: at most `concurrency` at a time, and on WeCom's limits a
 * pause for every caller before the call is tried again — after 45033 (too many concurrent calls
 * to one API) with a growing, jittered delay and half the concurrency from then on; after 45009
 * (frequency: WeCom blocks for the rest of the window) for `frequencyBackoffMs`. A call is tried
 * at most `maxAttempts` times; then WeCom's error is thrown. Counts every attempt.
 */
export interface CallGate {
  run<T>(call: () => Promise<T>): Promise<T>;
  /** WeCom calls attempted so far. */
  readonly calls: number;
  /** The concurrency now (lower after 45033). */
  readonly concurrency: number;
}

export interface CallGateOptions {
  concurrency: number;
  maxAttempts?: number;
  /** First delay after 45033; doubles with each attempt. */
  backoffMs?: number;
  /** Delay after 45009 (WeCom's minute window). */
  frequencyBackoffMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const CONCURRENCY_LIMIT = 45033;

export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function createCallGate(options: CallGateOptions): CallGate {
  const {
    maxAttempts = 6,
    backoffMs = 500,
    frequencyBackoffMs = 60_000,
    signal,
    now = Date.now,
    sleep = abortableSleep,
    random = Math.random,
  } = options;
  let limit = Math.max(1, options.concurrency);
  let active = 0;
  let calls = 0;
  let resumeAt = 0;
  const waiting: (() => void)[] = [];

  async function acquire(): Promise<void> {
    while (active >= limit) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    active += 1;
  }
  function release(): void {
    active -= 1;
    waiting.shift()?.();
  }

  return {
    get calls() {
      return calls;
    },
    get concurrency() {
      return limit;
    },
    async run(call) {
      for (let attempt = 1; ; attempt++) {
        await acquire();
        try {
          const wait = resumeAt - now();
          if (wait > 0) await sleep(wait, signal);
          signal?.throwIfAborted();
          calls += 1;
          return await call();
        } catch (error) {
          if (
            !(error instanceof WecomApiError) ||
            !RATE_LIMITED.has(error.errcode) ||
            attempt >= maxAttempts
          )
            throw error;
          const delay =
            error.errcode === CONCURRENCY_LIMIT
              ? backoffMs * 2 ** (attempt - 1) * (0.5 + random() / 2)
              : frequencyBackoffMs;
          if (error.errcode === CONCURRENCY_LIMIT) limit = Math.max(1, Math.floor(limit / 2));
          resumeAt = Math.max(resumeAt, now() + delay);
        } finally {
          release();
        }
      }
    },
  };
}

/**
 * Runs `task` for every item with at most `workers` at a time; stops taking items at the first
 * failure, and rejects with it once the tasks already running have ended (so that nothing they
 * write comes after the caller has cleaned up).
 */
export async function forEachBounded<T>(
  items: readonly T[],
  workers: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        signal?.throwIfAborted();
        await task(items[next++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker),
  );
  const rejected = settled.find((result) => result.status === 'rejected');
  if (rejected) throw rejected.reason;
}
