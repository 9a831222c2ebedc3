import { randomUUID } from 'node:crypto';
import type { Store } from './store';

/**
 * A lock across every instance that shares the store: a key holding its owner's token for a
 * lease (SET NX PX), renewed every third of the lease while its task runs, and released by
 * compare-and-delete, so that a holder whose lease ran out never frees another's lock. A holder
 * that dies frees the lock when its lease ends.
 */

/** The lock stayed held by another owner for longer than the caller would wait. */
export class LockBusyError extends Error {
  readonly key: string;
  constructor(key: string, waitedMs: number) {
    super(`the lock ${key} is held by another owner (waited ${waitedMs} ms)`);
    this.name = 'LockBusyError';
    this.key = key;
  }
}

/** The lease could not be renewed: another owner may hold the lock now. */
export class LockLostError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`the lock ${key} was lost`);
    this.name = 'LockLostError';
    this.key = key;
  }
}

export interface LockOptions {
  /** How long the lock lives unless renewed (a dead holder's lock frees itself after this). */
  leaseMs: number;
  /** The owner's token; by default a new one. An owner that holds the lock already keeps it. */
  owner?: string;
  /** How long to wait for another owner to release it before `LockBusyError` (default 0). */
  waitMs?: number;
  pollMs?: number;
  now?: () => number;
}

/** Takes the lock for `owner`, or renews it when `owner` holds it already. */
export async function takeLock(
  store: Store,
  key: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  return (
    (await store.setIfAbsent(key, owner, leaseMs)) ||
    (await store.extendIfEquals(key, owner, leaseMs))
  );
}

/** Releases the lock only while `owner` still holds it. */
export async function releaseLock(store: Store, key: string, owner: string): Promise<void> {
  await store.deleteIfEquals(key, owner);
}

/**
 * Runs `task` holding the lock: takes it (waiting up to `waitMs`, else `LockBusyError`), renews
 * the lease while the task runs and releases it after. The task's signal aborts with
 * `LockLostError` when a renewal finds the lock no longer its owner's.
 */
export async function withLock<T>(
  store: Store,
  key: string,
  options: LockOptions,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { leaseMs, owner = randomUUID(), waitMs = 0, pollMs = 20, now = Date.now } = options;
  const deadline = now() + waitMs;
  while (!(await takeLock(store, key, owner, leaseMs))) {
    if (now() >= deadline) throw new LockBusyError(key, waitMs);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const lost = new AbortController();
  const renewal = setInterval(
    () => {
      store.extendIfEquals(key, owner, leaseMs).then(
        (kept) => {
          if (!kept) lost.abort(new LockLostError(key));
        },
        () => undefined,
      );
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  try {
    return await task(lost.signal);
  } finally {
    clearInterval(renewal);
    await releaseLock(store, key, owner).catch(() => undefined);
  }
}
