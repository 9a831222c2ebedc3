import type { Store } from '../stores/store';
import { OrgError } from './errors';
import type { FullSyncOptions, FullSyncResult } from './outcome';

/**
 * One full sync at a time cluster-wide: a claim in the store that its holder renews every third
 * of its life while the sync runs, and that expires when its holder died.
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
  const claim = async (owner: string) =>
    (await store.setIfAbsent(CLAIM, owner, ttlMs)) ||
    (await store.extendIfEquals(CLAIM, owner, ttlMs));
  const release = async (owner: string) => {
    await store.deleteIfEquals(CLAIM, owner);
  };
  return {
    claim,
    release,
    held: async () => (await store.get(CLAIM)) !== null,
    async runClaimed(owner, options, run) {
      if (!(await claim(owner))) return 'busy';
      const lost = new AbortController();
      const heartbeat = setInterval(
        () => {
          store.extendIfEquals(CLAIM, owner, ttlMs).then(
            (kept) => {
              if (!kept)
                lost.abort(new OrgError('claim_lost', { message: 'the sync claim was lost' }));
            },
            () => undefined,
          );
        },
        Math.max(50, Math.floor(ttlMs / 3)),
      );
      try {
        const signal = options.signal
          ? AbortSignal.any([options.signal, lost.signal])
          : lost.signal;
        return await run({ ...options, signal });
      } finally {
        clearInterval(heartbeat);
        await release(owner).catch(() => undefined);
      }
    },
  };
}
