import { z } from 'zod';
import type { Logger } from '../logger';
import type { Feed } from '../stores/feed';
import { onceAcrossInstances } from '../stores/once';
import type { Store } from '../stores/store';
import type { WecomDirectory } from '../wecom/directory';
import type { Bilingual } from '../wecom/errcodes';
import {
  DEPARTMENT_NOT_FOUND,
  LISTING_REFUSED,
  RESOURCE_HIDDEN,
  USER_NOT_FOUND,
} from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import { type CallGateOptions, createCallGate } from './call-gate';
import { changesOf, diffSnapshots } from './diff';
import { OrgError } from './errors';
import {
  DEPARTMENT_FIELDS,
  departmentFromWecom,
  MEMBER_FIELDS,
  memberFromWecom,
  type OrgChange,
  type OrgChangeRecord,
  type OrgDepartment,
  type OrgMember,
  type OrgSnapshot,
} from './model';
import type { OrgStore } from './org-store';
import {
  type DepartmentSource,
  listAllMemberIds,
  type MemberSource,
  type ReadNote,
  readOrg,
  refusal,
} from './reader';

/**
 * The org sync: a full sync reads the whole org into a new snapshot, diffs it against the current
 * one and appends the differences to the change feed, then switches the snapshot; an incremental
 * change (a `change_contact` event) re-reads only the member or department it names. Both append
 * to the same feed under one commit lock, and the full sync keeps what an incremental change
 * wrote while it was reading, so the two never undo each other. One full sync at a time
 * cluster-wide: a claim in the store, renewed while the sync runs (the runners take it).
 */

export type SyncPhase = 'departments' | 'members' | 'writing' | 'commit';

export interface SyncCounts {
  departments: number;
  /** Departments whose members have been read. */
  departmentsRead: number;
  members: number;
  wecomCalls: number;
}

export interface SyncProgress {
  phase: SyncPhase;
  counts: SyncCounts;
}

export interface SyncError {
  message: string;
  errcode?: number;
  api?: string;
  cause?: Bilingual;
  fix?: Bilingual;
}

/** What one full sync did (also kept as the last result). */
export interface SyncOutcome {
  ok: boolean;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  /** Change records written (or, for a dry run, that would be written). */
  changes: number;
  wecomCalls: number;
  departments: number;
  members: number;
  sources?: { departments: DepartmentSource; members: MemberSource };
  /** Refusals the read worked around (e.g. names missing with the 通讯录同步 secret). */
  notes?: ReadNote[];
  error?: SyncError;
}

export interface FullSyncResult extends SyncOutcome {
  /** The records written (with seq), or for a dry run the records that would be. */
  records: (OrgChange & { seq?: string })[];
}

export interface SyncStatus {
  running: boolean;
  phase?: SyncPhase;
  counts?: SyncCounts;
  last: SyncOutcome | null;
}

export const ORG_CHANGE_TYPES = [
  'create_user',
  'update_user',
  'delete_user',
  'create_party',
  'update_party',
  'delete_party',
] as const;

/**
 * A `change_contact` event as the directory callback receiver parses it. Only the ids are used:
 * the member or department is re-read from WeCom (events after 2022-08-15 carry ids only).
 */
export const orgChangeRequestSchema = z
  .object({
    changeType: z.enum(ORG_CHANGE_TYPES),
    userId: z.string().min(1).max(64).optional(),
    newUserId: z.string().min(1).max(64).optional(),
    departmentId: z.number().int().min(1).max(4_294_967_295).optional(),
  })
  .refine((c) => (c.changeType.endsWith('_user') ? c.userId !== undefined : true), {
    message: 'member events need userId',
  })
  .refine((c) => (c.changeType.endsWith('_party') ? c.departmentId !== undefined : true), {
    message: 'department events need departmentId',
  });
export type OrgChangeRequest = z.infer<typeof orgChangeRequestSchema>;

export interface ChangeResult {
  /** The records appended (empty when WeCom's answer matched the snapshot already). */
  changes: OrgChangeRecord[];
  wecomCalls: number;
  /** Set when nothing was read: no full sync has made a snapshot yet. */
  skipped?: 'no_snapshot';
}

export interface FullSyncOptions {
  /** Read and diff, write nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Told of the progress; the writing and commit phases wait for a promise it returns. */
  onProgress?: (progress: SyncProgress) => void | Promise<void>;
}

export interface OrgSync {
  /** A full sync; the caller holds the claim (or it is a dry run). Never throws for WeCom. */
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
  directory: WecomDirectory;
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

const CLAIM = 'org:{org}:claim';
const PROGRESS = 'org:{org}:progress';
const COMMIT_LOCK = 'org:{org}:commit';
const TOUCHED = 'org:{org}:touched';
const TOUCHED_TTL_MS = 24 * 3600_000;
const APPEND_BATCH = 500;
const PROGRESS_EVERY_MS = 250;

const lastSchema = z.custom<SyncOutcome>((value) => typeof value === 'object' && value !== null);

function errorOf(error: unknown): SyncError {
  if (error instanceof OrgError) {
    return {
      message: error.message,
      ...(error.errcode !== undefined && { errcode: error.errcode }),
      ...(error.api && { api: error.api }),
      ...(error.explanation && error.explanation),
    };
  }
  if (error instanceof WecomUnavailableError)
    return { message: `WeCom unavailable (${error.reason}) on ${error.api}` };
  if (error instanceof WecomApiError) return errorOf(refusal(error));
  if (error instanceof Error && error.name === 'AbortError')
    return { message: 'stopped before it finished' };
  return { message: error instanceof Error ? error.message : String(error) };
}

export function createOrgSync(deps: OrgSyncDeps): OrgSync {
  const {
    store,
    orgStore,
    feed,
    directory,
    logger,
    now = Date.now,
    concurrency = 5,
    claimTtlMs = 60_000,
    maxDurationMs = 30 * 60_000,
    commitWaitMs = 30_000,
  } = deps;
  const iso = () => new Date(now()).toISOString();

  /** Runs `task` holding the commit lock (waiting for it up to `commitWaitMs`). */
  const committing = <T>(task: () => Promise<T>): Promise<T> =>
    onceAcrossInstances<T>({
      store,
      lockKey: COMMIT_LOCK,
      lockTtlMs: 120_000,
      waitMs: commitWaitMs,
      pollMs: 20,
      now,
      read: async () => undefined,
      produce: task,
      onTimeout: () =>
        new WecomUnavailableError('org commit', 'busy', 'the org commit lock is held'),
    });

  async function append(changes: readonly OrgChange[]): Promise<OrgChangeRecord[]> {
    const written: OrgChangeRecord[] = [];
    for (let i = 0; i < changes.length; i += APPEND_BATCH) {
      written.push(...(await feed.append(changes.slice(i, i + APPEND_BATCH))));
    }
    return written;
  }

  /** Keeps, for every id an incremental change touched during the read, the snapshot's record. */
  function keepTouched(next: OrgSnapshot, current: OrgSnapshot, touched: readonly string[]) {
    const put: { departments: OrgDepartment[]; members: OrgMember[] } = {
      departments: [],
      members: [],
    };
    const gone: { departments: number[]; members: string[] } = { departments: [], members: [] };
    for (const entry of touched) {
      const [kind, ...rest] = entry.split(':');
      const id = rest.join(':');
      if (kind === 'd') {
        const key = Number(id);
        const kept = current.departments.get(key);
        if (kept) {
          next.departments.set(key, kept);
          put.departments.push(kept);
        } else if (next.departments.delete(key)) gone.departments.push(key);
      } else if (kind === 'm') {
        const kept = current.members.get(id);
        if (kept) {
          next.members.set(id, kept);
          put.members.push(kept);
        } else if (next.members.delete(id)) gone.members.push(id);
      }
    }
    return { put, gone };
  }

  async function runFull(options: FullSyncOptions = {}): Promise<FullSyncResult> {
    const { dryRun = false, onProgress = () => {} } = options;
    const startedAt = iso();
    const deadline = AbortSignal.timeout(maxDurationMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const gate = createCallGate({ ...deps.gate, concurrency, signal });
    const counts: SyncCounts = { departments: 0, departmentsRead: 0, members: 0, wecomCalls: 0 };
    let phase: SyncPhase = 'departments';
    let reportedAt = 0;
    const report = (force = false): void | Promise<void> => {
      counts.wecomCalls = gate.calls;
      const progress = { phase, counts: { ...counts } };
      const told = onProgress(progress);
      if (!dryRun && (force || now() - reportedAt >= PROGRESS_EVERY_MS)) {
        reportedAt = now();
        void store.set(PROGRESS, JSON.stringify(progress), claimTtlMs * 2).catch(() => undefined);
      }
      return told;
    };
    let written: string | undefined;
    const outcome = (fields: Partial<SyncOutcome>): SyncOutcome => ({
      ok: false,
      dryRun,
      startedAt,
      finishedAt: iso(),
      changes: 0,
      wecomCalls: gate.calls,
      departments: counts.departments,
      members: counts.members,
      ...fields,
    });
    try {
      if (!dryRun) {
        await orgStore.dropAbandoned();
        await store.delete(TOUCHED);
      }
      report(true);
      const read = await readOrg({
        directory,
        gate,
        concurrency,
        signal,
        onProgress: (p) => {
          const changed = p.phase !== phase;
          phase = p.phase;
          counts.departments = p.departments;
          counts.departmentsRead = p.departmentsRead;
          counts.members = p.members;
          void report(changed);
        },
      });
      const next = read.snapshot;
      counts.departments = next.departments.size;
      counts.members = next.members.size;
      const base = {
        sources: read.sources,
        ...(read.notes.length > 0 && { notes: read.notes }),
      };
      const firstDiff = diffSnapshots(await orgStore.readSnapshot(), next, iso());
      if (dryRun || firstDiff.length === 0) {
        const result = {
          ...outcome({ ok: true, changes: firstDiff.length, ...base }),
          records: firstDiff,
        };
        if (!dryRun) await remember(result);
        return result;
      }
      phase = 'writing';
      await report(true);
      signal.throwIfAborted();
      written = await orgStore.writeGeneration(next);
      phase = 'commit';
      await report(true);
      signal.throwIfAborted();
      const records = await committing(async () => {
        const current = await orgStore.readSnapshot();
        const { put, gone } = keepTouched(next, current, await store.setMembers(TOUCHED));
        const changes = diffSnapshots(current, next, iso());
        if (changes.length === 0) {
          await orgStore.dropGeneration(written!);
          return [];
        }
        await orgStore.patch(written!, {
          departments: { put: put.departments, delete: gone.departments },
          members: { put: put.members, delete: gone.members },
        });
        const appended = await append(changes);
        await orgStore.switchTo(written!);
        return appended;
      });
      written = undefined;
      const result = { ...outcome({ ok: true, changes: records.length, ...base }), records };
      await remember(result);
      logger.info(
        { changes: records.length, wecomCalls: gate.calls, members: counts.members },
        'org sync finished',
      );
      return result;
    } catch (error) {
      if (written) await orgStore.dropGeneration(written).catch(() => undefined);
      const failure = errorOf(error);
      const failed = { ...outcome({ error: failure }), records: [] };
      logger.warn({ error: failure.message, errcode: failure.errcode }, 'org sync failed');
      if (!dryRun) await remember(failed).catch(() => undefined);
      return failed;
    } finally {
      if (!dryRun) await store.delete(PROGRESS).catch(() => undefined);
    }
  }

  async function remember(result: FullSyncResult): Promise<void> {
    const { records: _records, ...last } = result;
    await orgStore.writeNote('last-sync', JSON.stringify(last));
  }

  async function claim(owner: string): Promise<boolean> {
    return (
      (await store.setIfAbsent(CLAIM, owner, claimTtlMs)) ||
      (await store.extendIfEquals(CLAIM, owner, claimTtlMs))
    );
  }
  async function release(owner: string): Promise<void> {
    await store.deleteIfEquals(CLAIM, owner);
  }

  async function runClaimed(
    owner: string,
    options: FullSyncOptions = {},
  ): Promise<FullSyncResult | 'busy'> {
    if (!(await claim(owner))) return 'busy';
    const lost = new AbortController();
    const heartbeat = setInterval(
      () => {
        store.extendIfEquals(CLAIM, owner, claimTtlMs).then(
          (kept) => {
            if (!kept)
              lost.abort(new OrgError('claim_lost', { message: 'the sync claim was lost' }));
          },
          () => undefined,
        );
      },
      Math.max(50, Math.floor(claimTtlMs / 3)),
    );
    try {
      const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
      return await runFull({ ...options, signal });
    } finally {
      clearInterval(heartbeat);
      await release(owner).catch(() => undefined);
    }
  }

  // ---- incremental ------------------------------------------------------------------------------

  async function readMember(
    userid: string,
    gate: ReturnType<typeof createCallGate>,
  ): Promise<OrgMember | null> {
    try {
      return memberFromWecom(await gate.run(() => directory.getMember(userid)));
    } catch (error) {
      if (
        error instanceof WecomApiError &&
        (USER_NOT_FOUND.has(error.errcode) || RESOURCE_HIDDEN.has(error.errcode))
      )
        return null;
      if (error instanceof WecomApiError && LISTING_REFUSED.has(error.errcode)) {
        // Ids only (the 通讯录同步 secret): the member's rows from user/list_id.
        return (await listAllMemberIds(directory, gate)).get(userid) ?? null;
      }
      throw error instanceof WecomApiError ? refusal(error, { kind: 'member', id: userid }) : error;
    }
  }

  async function readDepartment(
    id: number,
    gate: ReturnType<typeof createCallGate>,
  ): Promise<OrgDepartment | null> {
    const gone = (error: unknown) =>
      error instanceof WecomApiError &&
      (DEPARTMENT_NOT_FOUND.has(error.errcode) || RESOURCE_HIDDEN.has(error.errcode));
    try {
      return departmentFromWecom(await gate.run(() => directory.getDepartment(id)));
    } catch (error) {
      if (gone(error)) return null;
      if (!(error instanceof WecomApiError && LISTING_REFUSED.has(error.errcode)))
        throw error instanceof WecomApiError ? refusal(error, { kind: 'department', id }) : error;
    }
    // Ids only: the department's own entry of department/simplelist.
    try {
      const listed = await gate.run(() => directory.listDepartmentIds({ id }));
      const found = listed.find((d) => d.id === id);
      return found ? departmentFromWecom(found) : null;
    } catch (error) {
      if (gone(error)) return null;
      throw error instanceof WecomApiError ? refusal(error, { kind: 'department', id }) : error;
    }
  }

  /** Departments a member may name before their own event arrived: read at most this many. */
  const MAX_MEMBER_DEPARTMENTS_READ = 20;

  async function applyChange(input: OrgChangeRequest): Promise<ChangeResult> {
    const change = orgChangeRequestSchema.parse(input);
    const gate = createCallGate({ ...deps.gate, concurrency: 1 });
    if ((await orgStore.current()).generation === null)
      return { changes: [], wecomCalls: 0, skipped: 'no_snapshot' };

    // Read and written under the commit lock: events apply one at a time, in the order they take
    // the lock, and never between a full sync's read of the snapshot and its switch.
    const records = await committing(async () => {
      const members = new Map<string, OrgMember | null>();
      const departments = new Map<number, OrgDepartment | null>();
      if (change.userId !== undefined) {
        const target = change.newUserId ?? change.userId;
        members.set(target, await readMember(target, gate));
        // A changed userid: the old one is gone.
        if (target !== change.userId) members.set(change.userId, null);
      }
      if (change.departmentId !== undefined) {
        departments.set(change.departmentId, await readDepartment(change.departmentId, gate));
      }
      const memberDepartments = [...members.values()].flatMap((m) => m?.department ?? []);
      const { generation, snapshot } = await orgStore.readSome({
        departments: [...new Set([...departments.keys(), ...memberDepartments])],
        members: [...members.keys()],
      });
      if (generation === null) return [];
      const knownDepartment = (id: number) =>
        departments.has(id) ? departments.get(id) !== null : snapshot.departments.has(id);
      // A member in departments the snapshot does not hold yet (their create_party is still on
      // its way): read those departments too, as a full sync would have listed them.
      for (const member of members.values()) {
        if (!member || member.department.some(knownDepartment)) continue;
        for (const id of member.department.slice(0, MAX_MEMBER_DEPARTMENTS_READ)) {
          if (!departments.has(id)) departments.set(id, await readDepartment(id, gate));
        }
      }
      const before: OrgSnapshot = { departments: new Map(), members: new Map() };
      const after: OrgSnapshot = { departments: new Map(), members: new Map() };
      for (const [id, department] of departments) {
        const known = snapshot.departments.get(id);
        if (known) before.departments.set(id, known);
        if (department) after.departments.set(id, department);
      }
      for (const [userid, member] of members) {
        const known = snapshot.members.get(userid);
        if (known) before.members.set(userid, known);
        // A member is kept only in a department the snapshot holds, as a full sync lists them.
        if (member?.department.some(knownDepartment)) after.members.set(userid, member);
      }
      const at = iso();
      const changes = [
        ...changesOf('department', before.departments, after.departments, DEPARTMENT_FIELDS, at),
        ...changesOf('member', before.members, after.members, MEMBER_FIELDS, at),
      ];
      if (changes.length === 0) return [];
      await orgStore.patch(generation, {
        departments: {
          put: [...after.departments.values()],
          delete: [...before.departments.keys()].filter((id) => !after.departments.has(id)),
        },
        members: {
          put: [...after.members.values()],
          delete: [...before.members.keys()].filter((id) => !after.members.has(id)),
        },
      });
      for (const id of departments.keys()) await store.addToSet(TOUCHED, `d:${id}`, TOUCHED_TTL_MS);
      for (const id of members.keys()) await store.addToSet(TOUCHED, `m:${id}`, TOUCHED_TTL_MS);
      return append(changes);
    });
    return { changes: records, wecomCalls: gate.calls };
  }

  async function status(): Promise<SyncStatus> {
    const [claimed, progressRaw] = await store.getMany([CLAIM, PROGRESS]);
    const lastRaw = await orgStore.readNote('last-sync');
    const progress = progressRaw ? (JSON.parse(progressRaw) as SyncProgress) : undefined;
    const last = lastRaw ? lastSchema.parse(JSON.parse(lastRaw)) : null;
    return {
      running: claimed !== null,
      ...(claimed !== null && progress && { phase: progress.phase, counts: progress.counts }),
      last,
    };
  }

  return { runFull, runClaimed, claim, release, applyChange, status };
}
