import type { Logger } from '../logger';
import { createFeed, type Feed } from '../stores/feed';
import type { Store } from '../stores/store';
import type { WecomAddressBook } from '../wecom/address-book';
import type { ChangeResult, OrgChangeRequest } from './change';
import { type ChangesQuery, changeFilter } from './change-filter';
import { type OrgChange, type OrgChangeRecord, orgChangeSchema } from './model';
import { createOrgStore, type OrgStore } from './org-store';
import {
  createInProcessRunner,
  createQueueRunner,
  type JobTuning,
  type OrgJobs,
  type SyncRunner,
} from './runner';
import { createOrgSync, type OrgSync, type OrgSyncDeps, type SyncStatus } from './sync';
import { type DepartmentNode, departmentTree, type MembersPage, membersPage } from './to-admin';

/**
 * The org: its snapshot, its change feed, the full and incremental sync, and where
 * full syncs run. No HTTP here: the admin routes and the directory callback receiver call these.
 */

export { directoryChangeHandler } from './callback-changes';
export type { ChangeResult, OrgChangeRequest } from './change';
export type { ChangesQuery } from './change-filter';
export type { OrgChange, OrgChangeRecord } from './model';
export { createOrgJobs, type JobTuning, type OrgJobs } from './runner';
export type { SyncStatus } from './sync';
export type { DepartmentNode, MembersPage } from './to-admin';

export interface Org {
  orgStore: OrgStore;
  feed: Feed<OrgChange>;
  sync: OrgSync;
  /**
   * For the directory callback receiver: a parsed `change_contact` event
   * (`{changeType, userId?, newUserId?, departmentId?}`) re-reads only the member or department
   * it names (one WeCom call, a few store round trips) and appends what changed to the feed.
   */
  applyChange(change: OrgChangeRequest): Promise<ChangeResult>;
  /** Starts a full sync somewhere in the cluster; `OrgError('sync_running')` when one runs. */
  requestSync(): Promise<{ running: true }>;
  syncStatus(): Promise<SyncStatus>;
  /** The size of the last successful full sync's snapshot (for the doctor); null before one. */
  lastSyncSize(): Promise<{ departments: number; members: number; at: string } | null>;
  departments(): Promise<{ departments: DepartmentNode[] }>;
  members(query: { departmentId?: number; cursor?: string; limit: number }): Promise<MembersPage>;
  /** A page of the change feed; `FeedExpiredError` for an `after` older than the feed keeps. */
  changes(query: ChangesQuery): Promise<{ changes: OrgChangeRecord[]; next: string | null }>;
  /** Names from the snapshot (no WeCom call); undefined where the snapshot has none. */
  memberNames(userids: readonly string[]): Promise<(string | undefined)[]>;
  close(): Promise<void>;
}

export type RunnerKind =
  /** The process's org jobs, shared by every corp it serves; `scope` is this corp's. */
  | { kind: 'queue'; jobs: OrgJobs; scope: string }
  | { kind: 'in-process' }
  /** Full syncs only through `sync.runClaimed` (the CLI). */
  | { kind: 'none' };

export interface OrgDeps {
  store: Store;
  addressBook: WecomAddressBook;
  logger: Logger;
  now?: () => number;
  /** Full sync period in seconds (0 = only on demand). */
  intervalSeconds: number;
  /** Days the change feed keeps its records. */
  feedRetentionDays: number;
  runner: RunnerKind;
  /** Sync tuning (tests shorten back-offs, claims and the job engine's waits). */
  tuning?: Pick<
    OrgSyncDeps,
    'concurrency' | 'gate' | 'claimTtlMs' | 'maxDurationMs' | 'commitWaitMs'
  > & { jobs?: JobTuning };
}

export const ORG_FEED_NAME = 'org-changes';

export function createOrg(deps: OrgDeps): Org {
  const { store, logger, intervalSeconds } = deps;
  const orgStore = createOrgStore(store);
  const feed = createFeed(store, {
    name: ORG_FEED_NAME,
    schema: orgChangeSchema,
    retentionDays: deps.feedRetentionDays,
    now: deps.now,
  });
  const sync = createOrgSync({
    ...deps.tuning,
    store,
    orgStore,
    feed,
    addressBook: deps.addressBook,
    logger,
    now: deps.now,
  });
  const runnerDeps = { sync, logger, intervalSeconds, tuning: deps.tuning?.jobs };
  const runner: SyncRunner | undefined =
    deps.runner.kind === 'queue'
      ? createQueueRunner({ ...runnerDeps, jobs: deps.runner.jobs, scope: deps.runner.scope })
      : deps.runner.kind === 'in-process'
        ? createInProcessRunner(runnerDeps)
        : undefined;

  return {
    orgStore,
    feed,
    sync,
    applyChange: (change) => sync.applyChange(change),
    async requestSync() {
      if (!runner) throw new Error('this process runs no org syncs');
      await runner.request();
      return { running: true };
    },
    syncStatus: () => sync.status(),
    async lastSyncSize() {
      const { last } = await sync.status();
      return last?.ok
        ? { departments: last.departments, members: last.members, at: last.finishedAt }
        : null;
    },
    departments: async () => ({ departments: departmentTree(await orgStore.departments()) }),
    members: (query) => membersPage(orgStore, query),
    async changes(query) {
      const page = await feed.read({
        range: query.range,
        limit: query.limit,
        filter: changeFilter(query),
      });
      return { changes: page.entries, next: page.next };
    },
    memberNames: (userids) => orgStore.memberNames(userids),
    close: async () => runner?.close(),
  };
}
