import { LockBusyError, releaseLock, takeLock, withLock } from '../stores/lock';
import type { Store } from '../stores/store';
import type { FullSyncOptions, FullSyncResult } from './outcome';

/**
 * One full sync at a time cluster-wide: a lock in the store that a request takes before it queues
 * the sync, and that the sync keeps (renewed) while it runs; it frees itself when its holder died.
 */

const CLAIM = 'org:{org}:claim';

export interface SyncClaim {
  /** Takes the claim for `owner` (or keeps it, when `owner` holds it already). */
  claim(owner: string): Promise<boolean>;
  release(owner: string): Promise<void>;
  /** Whether anyone holds the claim. */
  held(): Promise<boolean>;
  /** Claims, runs `run` with the claim renewed, releases. `busy` when another holds it. */
  runClaimed(
    owner: string,
    options: FullSyncOptions,
    run: (options: FullSyncOptions) => Promise<FullSyncResult>,
  ): Promise<FullSyncResult | 'busy'>;
}

export function createSyncClaim(deps: { store: Store; ttlMs: number }): SyncClaim {
  const { store, ttlMs } = deps;
  return {
    claim: (owner) => takeLock(store, CLAIM, owner, ttlMs),
    release: (owner) => releaseLock(store, CLAIM, owner),
    held: async () => (await store.get(CLAIM)) !== null,
    async runClaimed(owner, options, run) {
      try {
        return await withLock(store, CLAIM, { owner, leaseMs: ttlMs }, (lost) =>
          run({
            ...options,
            signal: options.signal ? AbortSignal.any([options.signal, lost]) : lost,
          }),
        );
      } catch (error) {
        if (error instanceof LockBusyError) return 'busy';
        throw error;
      }
    },
  };
}
