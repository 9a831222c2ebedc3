import type { Logger } from '../logger';
import type { Feed } from '../stores/feed';
import type { Store } from '../stores/store';
import type { WecomAddressBook } from '../wecom/address-book';
import type { CallGateOptions } from './call-gate';
import { type ChangeResult, createChangeApplier, type OrgChangeRequest } from './change';
import { createSyncClaim } from './claim';
import { createCommitLock } from './commit';
import { createFullSync } from './full-sync';
import type { OrgChange, OrgChangeRecord } from './model';
import type { OrgStore } from './org-store';
import type {
  FullSyncOptions,
  FullSyncResult,
  SyncCounts,
  SyncOutcome,
  SyncPhase,
} from './outcome';

/**
 * The org sync: a full sync (full-sync.ts) reads the whole org into a new snapshot and appends
 * the differences to the change feed; an incremental change (change.ts) re-reads only the member
 * or department a `change_contact` event names. Both append to the same feed under one commit
 * lock (commit.ts), and the full sync keeps what an incremental change wrote while it was
 * reading, so the two never undo each other. One full sync at a time cluster-wide (claim.ts).
 */

export interface SyncStatus {
  running: boolean;
  phase?: SyncPhase;
  counts?: SyncCounts;
  last: SyncOutcome | null;
}

export interface OrgSync {
  /** A full sync; the caller holds the claim. Never throws for WeCom or the store. */
  runFull(options?: FullSyncOptions): Promise<FullSyncResult>;
  /** Claims, runs a full sync with the claim renewed, releases. `busy` when another holds it. */
  runClaimed(owner: string, options?: FullSyncOptions): Promise<FullSyncResult | 'busy'>;
  /** Takes the cluster-wide claim for `owner` (or keeps it, when `owner` holds it already). */
  claim(owner: string): Promise<boolean>;
  release(owner: string): Promise<void>;
  /** Re-reads what a `change_contact` event names and appends what changed. */
  applyChange(change: OrgChangeRequest): Promise<ChangeResult>;
  status(): Promise<SyncStatus>;
}

export interface OrgSyncDeps {
  store: Store;
  orgStore: OrgStore;
  feed: Feed<OrgChange>;
  addressBook: WecomAddressBook;
  logger: Logger;
  now?: () => number;
  /** WeCom calls at a time (default 5). */
  concurrency?: number;
  /** Back-off of the WeCom call gate (tests shorten it). */
  gate?: Omit<CallGateOptions, 'concurrency' | 'signal'>;
  /** Life of the cluster-wide claim; renewed every third of it while a sync runs. */
  claimTtlMs?: number;
  /** A full sync stops after this long. */
  maxDurationMs?: number;
  /** How long an incremental change waits for a full sync's commit. */
  commitWaitMs?: number;
}

/** Records per feed append. */
const APPEND_BATCH = 500;

export function createOrgSync(deps: OrgSyncDeps): OrgSync {
  const {
    store,
    orgStore,
    feed,
    addressBook,
    logger,
    now = Date.now,
    concurrency = 5,
    claimTtlMs = 60_000,
    maxDurationMs = 30 * 60_000,
    commitWaitMs = 30_000,
  } = deps;
  const committing = createCommitLock({ store, now, waitMs: commitWaitMs });
  const append = async (changes: readonly OrgChange[]): Promise<OrgChangeRecord[]> => {
    const written: OrgChangeRecord[] = [];
    for (let i = 0; i < changes.length; i += APPEND_BATCH)
      written.push(...(await feed.append(changes.slice(i, i + APPEND_BATCH))));
    return written;
  };
  const full = createFullSync({
    store,
    orgStore,
    addressBook,
    logger,
    committing,
    append,
    now,
    concurrency,
    gate: deps.gate,
    maxDurationMs,
    progressTtlMs: claimTtlMs * 2,
  });
  const claim = createSyncClaim({ store, ttlMs: claimTtlMs });
  const applyChange = createChangeApplier({
    store,
    orgStore,
    addressBook,
    committing,
    append,
    iso: () => new Date(now()).toISOString(),
    gate: deps.gate,
  });

  return {
    runFull: full.run,
    runClaimed: (owner, options = {}) => claim.runClaimed(owner, options, full.run),
    claim: claim.claim,
    release: claim.release,
    applyChange,
    async status() {
      const [running, progress, last] = await Promise.all([
        claim.held(),
        full.progress(),
        full.last(),
      ]);
      return {
        running,
        ...(running && progress && { phase: progress.phase, counts: progress.counts }),
        last,
      };
    },
  };
}
