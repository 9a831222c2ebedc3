import { z } from 'zod';
import type { Logger } from '../logger';
import type { Store } from '../stores/store';
import type { WecomAddressBook } from '../wecom/address-book';
import { type CallGateOptions, createCallGate } from './call-gate';
import { type Committing, TOUCHED } from './commit';
import { departmentChanges, memberChange, stamped } from './diff';
import { readDepartments, readMembers } from './from-wecom';
import type { OrgChange, OrgChangeDraft, OrgChangeRecord, OrgDepartment, OrgMember } from './model';
import type { OrgStore } from './org-store';
import {
  type ChangeCounts,
  type FullSyncOptions,
  type FullSyncResult,
  failureOf,
  RECORDS_SAMPLE,
  type SyncCounts,
  type SyncOutcome,
  type SyncPhase,
  type SyncProgress,
} from './outcome';

/**
 * The full sync, streamed so that its memory does not grow with the corp: it lists the
 * departments (held in memory), then reads the members department by department straight into a
 * new generation of the snapshot in the store (a member listed in several departments is kept
 * once). Each member first listed is compared with the current snapshot's record as it arrives
 * (rows of user/list_id, which gather a member's departments over pages, once all are in), and
 * its change record is staged in the new generation; then a page at a time of the current
 * generation's index, the members the new generation lacks (deleted). Nothing is asked of the
 * store that holds it up for long (no operation over a whole snapshot). At the commit, under the commit lock, it
 * keeps what incremental changes wrote meanwhile, appends the records to the feed in batches
 * (departments created and updated, members by userid, departments deleted) and switches to the
 * new generation. A sync that fails before the commit leaves the snapshot and the feed as they
 * were; the half-built generation is dropped (by the next sync if the process died).
 */

export interface FullSyncDeps {
  store: Store;
  orgStore: OrgStore;
  addressBook: WecomAddressBook;
  logger: Logger;
  committing: Committing;
  /** Appends records to the change feed and answers them with their seq. */
  append(changes: readonly OrgChange[]): Promise<OrgChangeRecord[]>;
  now: () => number;
  /** WeCom calls at a time. */
  concurrency: number;
  gate?: Omit<CallGateOptions, 'concurrency' | 'signal'>;
  /** A full sync stops after this long. */
  maxDurationMs: number;
  /** How long the progress record outlives its last update. */
  progressTtlMs: number;
}

const PROGRESS = 'org:{org}:progress';
const LAST_SYNC = 'last-sync';
/** Records per feed append, staged page and touched-member read. */
const BATCH = 500;
const PROGRESS_EVERY_MS = 250;

const lastSchema = z.custom<SyncOutcome>((value) => typeof value === 'object' && value !== null);

type Tallied = Pick<FullSyncResult, 'changes' | 'changed' | 'records' | 'seqRange'>;

/** Counts change records by kind and operation, keeping the first ones and the seq range. */
function createTally() {
  const ops = () => ({ created: 0, updated: 0, deleted: 0 });
  const changed: ChangeCounts = { departments: ops(), members: ops() };
  const records: FullSyncResult['records'] = [];
  let total = 0;
  let range: FullSyncResult['seqRange'];
  return {
    note(batch: readonly (OrgChange & { seq?: OrgChangeRecord['seq'] })[]) {
      for (const record of batch) {
        changed[record.kind === 'department' ? 'departments' : 'members'][record.op] += 1;
        total += 1;
        if (records.length < RECORDS_SAMPLE) records.push(record);
        if (record.seq !== undefined)
          range = { first: range?.first ?? record.seq, last: record.seq };
      }
    },
    get total() {
      return total;
    },
    result: (): Tallied => ({
      changes: total,
      changed,
      records,
      ...(range && { seqRange: range }),
    }),
  };
}

export function createFullSync(deps: FullSyncDeps) {
  const { store, orgStore, addressBook, logger, committing, append, now, concurrency } = deps;
  const iso = () => new Date(now()).toISOString();

  /** Stages the changes of members of `generation`: created, or updated since `previous`. */
  async function stageNew(
    generation: string,
    members: readonly OrgMember[],
    before: readonly (OrgMember | undefined)[],
  ) {
    await orgStore.stage(
      generation,
      members.flatMap((m, i) => memberChange(m.userid, before[i], m) ?? []),
    );
  }

  /** Stages the created and updated members of a whole generation, from a scan of it. */
  async function stageAllNew(generation: string, previous: string | null, signal: AbortSignal) {
    for (let cursor = '0'; ; ) {
      signal.throwIfAborted();
      const page = await orgStore.scanMembers(generation, cursor);
      const ids = page.members.map((m) => m.userid);
      await stageNew(generation, page.members, await orgStore.readMembers(previous, ids));
      cursor = page.cursor;
      if (cursor === '0') return;
    }
  }

  /** Stages the members of `previous` that `generation` lacks as deleted. */
  async function stageDeleted(generation: string, previous: string | null, signal: AbortSignal) {
    if (previous === null) return;
    for (let after = ''; ; ) {
      signal.throwIfAborted();
      const page = await orgStore.membersGone(generation, previous, after, BATCH);
      await orgStore.stage(
        generation,
        page.members.flatMap((m) => memberChange(m.userid, m, undefined) ?? []),
      );
      if (page.last === undefined) return;
      after = page.last;
    }
  }

  /** The change records in feed order, `BATCH` at a time. */
  async function forEachBatch(
    generation: string,
    departments: { first: OrgChangeDraft[]; last: OrgChangeDraft[] },
    emit: (batch: OrgChangeDraft[]) => Promise<void>,
  ) {
    const pending: OrgChangeDraft[] = [];
    const push = async (drafts: readonly OrgChangeDraft[]) => {
      for (const draft of drafts) {
        pending.push(draft);
        if (pending.length >= BATCH) await emit(pending.splice(0));
      }
    };
    await push(departments.first);
    for (let after = ''; ; ) {
      const page = await orgStore.staged(generation, after, BATCH);
      await push(page.changes);
      if (page.last === undefined) break;
      after = page.last;
    }
    await push(departments.last);
    if (pending.length > 0) await emit(pending.splice(0));
  }

  /**
   * Under the commit lock: what incremental changes wrote while this sync read wins (the current
   * snapshot's record of every member and department they touched replaces this sync's, and its
   * staged record goes); then the records go to the feed and the new generation becomes current.
   * Nothing changed: the new generation is dropped and the current one stays.
   */
  async function commit(generation: string, departments: Map<number, OrgDepartment>) {
    const at = iso();
    const tally = createTally();
    await committing(async () => {
      const { generation: current } = await orgStore.current();
      const currentDepartments = await orgStore.readDepartments(current);
      const touchedMembers: string[] = [];
      for (const touched of await store.setMembers(TOUCHED)) {
        const id = touched.slice(2);
        if (touched.startsWith('m:')) touchedMembers.push(id);
        else if (touched.startsWith('d:')) {
          const kept = currentDepartments.get(Number(id));
          if (kept) departments.set(kept.id, kept);
          else departments.delete(Number(id));
        }
      }
      for (let i = 0; i < touchedMembers.length; i += BATCH) {
        const ids = touchedMembers.slice(i, i + BATCH);
        const kept = await orgStore.readMembers(current, ids);
        await orgStore.patch(generation, {
          members: {
            put: kept.flatMap((m) => m ?? []),
            delete: ids.filter((_, j) => !kept[j]),
          },
        });
        await orgStore.unstage(generation, ids);
      }
      await orgStore.putDepartments(generation, [...departments.values()]);
      await forEachBatch(
        generation,
        departmentChanges(currentDepartments, departments),
        async (batch) => tally.note(await append(batch.map((draft) => stamped(draft, at)))),
      );
      if (tally.total === 0) await orgStore.dropGeneration(generation);
      else await orgStore.switchTo(generation);
    });
    return tally.result();
  }

  /** What a dry run would have written, from the staged records; the generation is dropped. */
  async function preview(
    generation: string,
    previous: string | null,
    departments: Map<number, OrgDepartment>,
  ) {
    const at = iso();
    const tally = createTally();
    const changes = departmentChanges(await orgStore.readDepartments(previous), departments);
    await forEachBatch(generation, changes, async (batch) =>
      tally.note(batch.map((draft) => stamped(draft, at))),
    );
    await orgStore.dropGeneration(generation);
    return tally.result();
  }

  /** A full sync; the caller holds the claim. Never throws for WeCom or the store. */
  async function run(options: FullSyncOptions = {}): Promise<FullSyncResult> {
    const { dryRun = false, onProgress = () => {} } = options;
    const startedAt = iso();
    const deadline = AbortSignal.timeout(deps.maxDurationMs);
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
        void store
          .set(PROGRESS, JSON.stringify(progress), deps.progressTtlMs)
          .catch(() => undefined);
      }
      return told;
    };
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
    let building: string | undefined;
    try {
      await orgStore.dropAbandoned();
      if (!dryRun) await store.delete(TOUCHED);
      report(true);
      const { generation: previous } = await orgStore.current();
      const read = await readDepartments({ addressBook, gate, concurrency, signal });
      const { departments } = read;
      counts.departments = departments.size;
      phase = 'members';
      report(true);
      const generation = await orgStore.createGeneration();
      building = generation;
      const members = await readMembers({
        addressBook,
        gate,
        concurrency,
        signal,
        departments,
        sink: {
          // Compared as they come: a member first listed now is new to this generation.
          async listed(_id, list) {
            // The current records come with the write (one round trip): a few are of members
            // listed before, and go unused.
            const [added, before] = await Promise.all([
              orgStore.addMembers(generation, list),
              orgStore.readMembers(
                previous,
                list.map((m) => m.userid),
              ),
            ]);
            const beforeOf = new Map(list.map((m, i) => [m.userid, before[i]]));
            await stageNew(
              generation,
              added,
              added.map((m) => beforeOf.get(m.userid)),
            );
            counts.members += added.length;
            counts.departmentsRead += 1;
            void report();
          },
          async rows(rows) {
            const added = await orgStore.addMemberships(generation, rows);
            counts.members += added;
            void report();
          },
          async restart() {
            await orgStore.clearMembers(generation);
            counts.members = 0;
          },
        },
      });
      if (members.source === 'user/list_id') counts.departmentsRead = departments.size;
      counts.departments = departments.size;
      const notes = [...read.notes, ...members.notes];
      const base = {
        sources: { departments: read.source, members: members.source },
        ...(notes.length > 0 && { notes }),
      };
      phase = 'writing';
      await report(true);
      // Rows gather a member's departments over pages: compared once all are in.
      if (members.source === 'user/list_id') await stageAllNew(generation, previous, signal);
      await stageDeleted(generation, previous, signal);
      phase = 'commit';
      await report(true);
      signal.throwIfAborted();
      const written = dryRun
        ? await preview(generation, previous, departments)
        : await commit(generation, departments);
      building = undefined;
      const result = { ...outcome({ ok: true, ...base }), ...written };
      if (!dryRun) {
        await remember(result);
        logger.info(
          { changes: written.changes, wecomCalls: gate.calls, members: counts.members },
          'org sync finished',
        );
      }
      return result;
    } catch (error) {
      if (building) await orgStore.dropGeneration(building).catch(() => undefined);
      const failure = failureOf(error, { deadline, stop: options.signal });
      const failed = { ...outcome({ error: failure }), records: [] };
      logger.warn(
        { reason: failure.reason, error: failure.message, errcode: failure.errcode },
        'org sync failed',
      );
      if (!dryRun) await remember(failed).catch(() => undefined);
      return failed;
    } finally {
      if (!dryRun) await store.delete(PROGRESS).catch(() => undefined);
    }
  }

  async function remember(result: FullSyncResult): Promise<void> {
    const { records: _records, seqRange: _range, ...last } = result;
    await orgStore.writeNote(LAST_SYNC, JSON.stringify(last));
  }

  return {
    run,
    /** The running sync's progress, if one runs. */
    async progress(): Promise<SyncProgress | undefined> {
      const raw = await store.get(PROGRESS);
      return raw ? (JSON.parse(raw) as SyncProgress) : undefined;
    },
    /** The last sync's outcome (null before the first). */
    async last(): Promise<SyncOutcome | null> {
      const raw = await orgStore.readNote(LAST_SYNC);
      return raw ? lastSchema.parse(JSON.parse(raw)) : null;
    },
  };
}
