import { withLock } from '../stores/lock';
import type { Store } from '../stores/store';

/**
 * The org's commit lock: a full sync's commit and each incremental change run under it, one at
 * a time cluster-wide. An incremental change also notes what it touched, so that a full sync
 * that read those members or departments before the change keeps the change's record.
 */

/** `d:<id>` and `m:<userid>` of what incremental changes wrote since the full sync began. */
export const TOUCHED = 'org:{org}:touched';
export const TOUCHED_TTL_MS = 24 * 3600_000;
const COMMIT_LOCK = 'org:{org}:commit';

export type Committing = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs a task holding the commit lock (waiting for it up to `waitMs`, else `LockBusyError`). */
export function createCommitLock(deps: {
  store: Store;
  now: () => number;
  waitMs: number;
}): Committing {
  const { store, now, waitMs } = deps;
  return <T>(task: () => Promise<T>) =>
    withLock(store, COMMIT_LOCK, { leaseMs: 120_000, waitMs, now }, () => task());
}
