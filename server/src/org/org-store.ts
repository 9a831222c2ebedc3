import { randomUUID } from 'node:crypto';
import type { Store } from '../stores/store';
import {
  emptySnapshot,
  type OrgChangeDraft,
  type OrgDepartment,
  type OrgMember,
  type OrgSnapshot,
  orgChangeSchema,
  orgDepartmentSchema,
  orgMemberSchema,
} from './model';

/**
 * The org snapshot in the store, which the process never holds whole. A snapshot is a
 * generation: departments and members, each a hash by id; an index of userids for paging (a
 * sorted set: every member, and each department's direct members); and, while a full sync builds
 * it, the member change records staged for its commit. A full sync writes a new generation beside
 * the current one and switches the pointer (one hash field) at the end, so a sync that fails
 * half-way leaves the current generation as it was; the generation it replaces is dropped after
 * the switch. An incremental change patches the current generation in place (index included) and
 * bumps its version. Departments (thousands, not hundreds of thousands) are read whole, and kept
 * in memory while the generation and its version are unchanged.
 */

const META = 'org:{org}:meta';
const BATCH = 500;

const keysOf = (generation: string) => {
  const base = `org:{org}:g:${generation}`;
  return {
    departments: `${base}:departments`,
    members: `${base}:members`,
    /** `*\n<userid>` for every member, `<department id>\n<userid>` for each of its departments. */
    index: `${base}:index`,
    /** Staged member change records by userid, and their userids in order. */
    staged: `${base}:staged`,
    stagedOrder: `${base}:staged-order`,
  };
};

/** The index's scope of every member; a department's scope is its id. */
const ALL = '*';
const entry = (scope: string, userid: string) => `${scope}\n${userid}`;
/** Above every entry of `scope` ('\n' + 1). */
const endOf = (scope: string) => `${scope}\u000b`;
const entriesOf = (member: OrgMember) =>
  [ALL, ...new Set(member.department.map(String))].map((scope) => entry(scope, member.userid));

export interface CurrentGeneration {
  generation: string | null;
  version: string | null;
}

export interface OrgPatch {
  departments?: { put?: readonly OrgDepartment[]; delete?: readonly number[] };
  members?: { put?: readonly OrgMember[]; delete?: readonly string[] };
}

/** A page of members by userid: `last` is the `after` of the next page, absent at the end. */
export interface MembersSlice {
  members: OrgMember[];
  last?: string;
}

export interface OrgStore {
  current(): Promise<CurrentGeneration>;

  // ---- building a generation (a full sync) -----------------------------------------------------
  /** Starts a generation beside the current one (not yet current) and answers its id. */
  createGeneration(): Promise<string>;
  /**
   * Adds the members not in `generation` yet (a member listed in several departments is kept as
   * first listed, also when listings race) and answers those.
   */
  addMembers(generation: string, members: readonly OrgMember[]): Promise<OrgMember[]>;
  /**
   * Adds membership rows (userid, department) to the members of `generation`, creating members
   * that are new; answers how many were. Not for concurrent callers.
   */
  addMemberships(
    generation: string,
    rows: readonly { userid: string; department: number }[],
  ): Promise<number>;
  /** Forgets the members of a generation being built (its listing starts over). */
  clearMembers(generation: string): Promise<void>;
  putDepartments(generation: string, departments: readonly OrgDepartment[]): Promise<void>;
  /** About `count` members of `generation` from `cursor` ('0' starts, a '0' answer ends). */
  scanMembers(
    generation: string,
    cursor: string,
  ): Promise<{ cursor: string; members: OrgMember[] }>;
  /** The members of `generation` with these userids (undefined where there is none). */
  readMembers(
    generation: string | null,
    userids: readonly string[],
  ): Promise<(OrgMember | undefined)[]>;
  /**
   * Of up to `limit` members of `previous` by userid from the one after `after` ('' = the first),
   * those that `generation` lacks; `last` is the `after` of the next page, absent at the end.
   */
  membersGone(
    generation: string,
    previous: string,
    after: string,
    limit: number,
  ): Promise<{ members: OrgMember[]; last?: string }>;
  /** All departments of `generation` (none for null). */
  readDepartments(generation: string | null): Promise<Map<number, OrgDepartment>>;
  /** Keeps member change records for the commit of `generation` (one per userid). */
  stage(generation: string, changes: readonly OrgChangeDraft[]): Promise<void>;
  unstage(generation: string, userids: readonly string[]): Promise<void>;
  /** Up to `limit` staged records by userid, from the one after `after` ('' = the first). */
  staged(
    generation: string,
    after: string,
    limit: number,
  ): Promise<{ changes: OrgChangeDraft[]; last?: string }>;
  /** Makes `generation` current and drops the one it replaces. */
  switchTo(generation: string): Promise<void>;
  dropGeneration(generation: string): Promise<void>;
  /** Drops a generation a sync started but never switched to (its process died). */
  dropAbandoned(): Promise<void>;
  /** Changes `generation` in place (its index included). */
  patch(generation: string, patch: OrgPatch): Promise<void>;

  // ---- reading the current snapshot -------------------------------------------------------------
  /** Some departments and members of the current generation (absent ids are left out). */
  readSome(ids: {
    departments?: readonly number[];
    members?: readonly string[];
  }): Promise<{ generation: string | null; snapshot: OrgSnapshot }>;
  /** The current departments by (parent, order descending, id), from memory while unchanged. */
  departments(): Promise<readonly OrgDepartment[]>;
  /** Members by userid after `after` (all, or a department's direct members). */
  members(query: { departmentId?: number; after?: string; limit: number }): Promise<MembersSlice>;
  /** Display names of members of the current snapshot (undefined: not there or no name). */
  memberNames(userids: readonly string[]): Promise<(string | undefined)[]>;
  /** A small JSON document kept beside the snapshot (the last sync's result). */
  readNote(name: string): Promise<string | null>;
  writeNote(name: string, value: string): Promise<void>;
}

const byParentOrderId = (a: OrgDepartment, b: OrgDepartment) =>
  a.parentid - b.parentid || b.order - a.order || a.id - b.id;
const parseMember = (raw: string) => orgMemberSchema.parse(JSON.parse(raw));
const parseDepartment = (raw: string) => orgDepartmentSchema.parse(JSON.parse(raw));
const stagedSchema = orgChangeSchema.omit({ at: true });

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

export function createOrgStore(store: Store): OrgStore {
  let memo: { key: string; departments: Promise<readonly OrgDepartment[]> } | undefined;
  let indexing: { generation: string; done: Promise<void> } | undefined;

  async function current(): Promise<CurrentGeneration & { indexed: string | null }> {
    const [generation, version, indexed] = await store.hashGet(META, [
      'generation',
      'version',
      'indexed',
    ]);
    return { generation: generation ?? null, version: version ?? null, indexed: indexed ?? null };
  }

  /** Every page of a hash scan, handed to `page` one at a time. */
  async function scanAll(key: string, page: (entries: [string, string][]) => Promise<void>) {
    let cursor = '0';
    // Bounded: a scan returns every field at least once within about size / count rounds.
    for (let round = 0; round < 10_000_000; round++) {
      const answer = await store.hashScan(key, cursor, BATCH);
      await page(answer.entries);
      cursor = answer.cursor;
      if (cursor === '0') return;
    }
  }

  async function readMembers(generation: string | null, userids: readonly string[]) {
    if (generation === null || userids.length === 0) return userids.map(() => undefined);
    const raws = await store.hashGet(keysOf(generation).members, userids);
    return raws.map((raw) => (raw === null ? undefined : parseMember(raw)));
  }

  async function readDepartments(generation: string | null) {
    const departments = new Map<number, OrgDepartment>();
    if (generation === null) return departments;
    await scanAll(keysOf(generation).departments, async (entries) => {
      for (const [, raw] of entries) {
        const department = parseDepartment(raw);
        departments.set(department.id, department);
      }
    });
    return departments;
  }

  async function putMembers(generation: string, members: readonly OrgMember[]) {
    const keys = keysOf(generation);
    for (const batch of chunks(members, BATCH)) {
      await store.hashSet(
        keys.members,
        Object.fromEntries(batch.map((m) => [m.userid, JSON.stringify(m)])),
      );
    }
  }

  async function putDepartments(generation: string, departments: readonly OrgDepartment[]) {
    for (const batch of chunks(departments, BATCH)) {
      await store.hashSet(
        keysOf(generation).departments,
        Object.fromEntries(batch.map((d) => [String(d.id), JSON.stringify(d)])),
      );
    }
  }

  async function index(generation: string, members: readonly OrgMember[]) {
    for (const batch of chunks(members, BATCH))
      await store.sortedAdd(keysOf(generation).index, batch.flatMap(entriesOf));
  }

  async function dropGeneration(generation: string): Promise<void> {
    await store.delete(...Object.values(keysOf(generation)));
  }

  /**
   * Indexes a generation written before snapshots had an index (once, on first read): pages of
   * its members hash into the index.
   */
  function ensureIndexed(generation: string, indexed: string | null): Promise<void> {
    if (indexed === generation) return Promise.resolve();
    if (indexing?.generation !== generation) {
      const done = scanAll(keysOf(generation).members, async (entries) => {
        await index(
          generation,
          entries.map(([, raw]) => parseMember(raw)),
        );
      })
        .then(() => store.hashSet(META, { indexed: generation }))
        .finally(() => {
          if (indexing?.done === done) indexing = undefined;
        });
      indexing = { generation, done };
    }
    return indexing.done;
  }

  return {
    current,
    async createGeneration() {
      const generation = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
      // Remembered first, so that a process dying while writing leaves a generation the next
      // sync can find and drop.
      await store.hashSet(META, { building: generation });
      return generation;
    },
    async addMembers(generation, members) {
      const added: OrgMember[] = [];
      for (const batch of chunks(members, BATCH)) {
        const byUserid = new Map(batch.map((m) => [m.userid, m]));
        // Indexed at once: a member listed again has the same entries.
        const [fresh] = await Promise.all([
          store.hashSetIfAbsent(
            keysOf(generation).members,
            Object.fromEntries([...byUserid].map(([userid, m]) => [userid, JSON.stringify(m)])),
          ),
          index(generation, batch),
        ]);
        added.push(...fresh.map((userid) => byUserid.get(userid)!));
      }
      return added;
    },
    async addMemberships(generation, rows) {
      const departments = new Map<string, number[]>();
      for (const row of rows) {
        const list = departments.get(row.userid) ?? [];
        if (!list.includes(row.department)) list.push(row.department);
        departments.set(row.userid, list);
      }
      const userids = [...departments.keys()];
      const known = await readMembers(generation, userids);
      const merged = userids.map((userid, i): OrgMember => {
        const before = known[i]?.department ?? [];
        const added = departments.get(userid)!.filter((id) => !before.includes(id));
        return { userid, department: [...before, ...added] };
      });
      await putMembers(generation, merged);
      await index(generation, merged);
      return known.filter((member) => member === undefined).length;
    },
    async clearMembers(generation) {
      const keys = keysOf(generation);
      await store.delete(keys.members, keys.index);
    },
    putDepartments,
    async scanMembers(generation, cursor) {
      const answer = await store.hashScan(keysOf(generation).members, cursor, BATCH);
      return { cursor: answer.cursor, members: answer.entries.map(([, raw]) => parseMember(raw)) };
    },
    readMembers,
    async membersGone(generation, previous, after, limit) {
      if (after === '') {
        const { indexed } = await current();
        await ensureIndexed(previous, indexed);
      }
      // Pages of both indexes, never a set operation over whole sets that would hold Redis up.
      const entries = await store.sortedRange(
        keysOf(previous).index,
        entry(ALL, after),
        endOf(ALL),
        limit,
      );
      const kept = await store.sortedHas(keysOf(generation).index, entries);
      const gone = entries.filter((_, i) => !kept[i]).map((e) => e.slice(ALL.length + 1));
      const members = (await readMembers(previous, gone)).flatMap((m) => m ?? []);
      return {
        members,
        ...(entries.length === limit && { last: entries.at(-1)!.slice(ALL.length + 1) }),
      };
    },
    readDepartments,
    async stage(generation, changes) {
      if (changes.length === 0) return;
      const keys = keysOf(generation);
      // One round trip: a record without its order entry (or the reverse) is never read alone,
      // since a failed stage fails the sync.
      await Promise.all([
        store.hashSet(
          keys.staged,
          Object.fromEntries(changes.map((change) => [String(change.id), JSON.stringify(change)])),
        ),
        store.sortedAdd(
          keys.stagedOrder,
          changes.map((change) => String(change.id)),
        ),
      ]);
    },
    async unstage(generation, userids) {
      const keys = keysOf(generation);
      await store.hashDelete(keys.staged, userids);
      await store.sortedRemove(keys.stagedOrder, userids);
    },
    async staged(generation, after, limit) {
      const keys = keysOf(generation);
      const userids = await store.sortedRange(keys.stagedOrder, after, null, limit);
      const raws = await store.hashGet(keys.staged, userids);
      const changes = raws.flatMap((raw) =>
        raw === null ? [] : [stagedSchema.parse(JSON.parse(raw))],
      );
      return { changes, ...(userids.length === limit && { last: userids.at(-1) }) };
    },
    async switchTo(generation) {
      const { generation: replaced } = await current();
      const keys = keysOf(generation);
      await store.hashSet(META, {
        generation,
        version: randomUUID(),
        building: '',
        indexed: generation,
      });
      await store.delete(keys.staged, keys.stagedOrder);
      if (replaced !== null && replaced !== generation) await dropGeneration(replaced);
    },
    dropGeneration,
    async dropAbandoned() {
      const [building, generation] = await store.hashGet(META, ['building', 'generation']);
      if (building && building !== generation) await dropGeneration(building);
      if (building) await store.hashSet(META, { building: '' });
    },
    async patch(generation, patch) {
      const keys = keysOf(generation);
      const departmentsGone = (patch.departments?.delete ?? []).map(String);
      await putDepartments(generation, patch.departments?.put ?? []);
      if (departmentsGone.length > 0) await store.hashDelete(keys.departments, departmentsGone);
      // The index follows each member: entries of departments it left go, new ones come.
      const put = patch.members?.put ?? [];
      const gone = patch.members?.delete ?? [];
      const touched = [...put.map((m) => m.userid), ...gone];
      const before = await readMembers(generation, touched);
      const after = new Set(put.flatMap(entriesOf));
      const stale = before.flatMap((m) => (m ? entriesOf(m) : [])).filter((e) => !after.has(e));
      await putMembers(generation, put);
      if (gone.length > 0) await store.hashDelete(keys.members, gone);
      await store.sortedRemove(keys.index, stale);
      await store.sortedAdd(keys.index, [...after]);
      await store.hashSet(META, { version: randomUUID() });
    },
    async readSome(ids) {
      const { generation } = await current();
      const snapshot = emptySnapshot();
      if (generation === null) return { generation, snapshot };
      const departmentIds = ids.departments ?? [];
      const [departments, members] = await Promise.all([
        store.hashGet(keysOf(generation).departments, departmentIds.map(String)),
        readMembers(generation, ids.members ?? []),
      ]);
      for (const raw of departments) {
        if (raw === null) continue;
        const department = parseDepartment(raw);
        snapshot.departments.set(department.id, department);
      }
      for (const member of members) if (member) snapshot.members.set(member.userid, member);
      return { generation, snapshot };
    },
    async departments() {
      const { generation, version } = await current();
      const key = `${generation}\n${version}`;
      if (memo?.key !== key) {
        const departments = readDepartments(generation).then((all) =>
          [...all.values()].sort(byParentOrderId),
        );
        memo = { key, departments };
        departments.catch(() => {
          if (memo?.departments === departments) memo = undefined;
        });
      }
      return memo.departments;
    },
    async members(query) {
      const scope = query.departmentId === undefined ? ALL : String(query.departmentId);
      // A generation switched between the reads (its keys dropped): read the page again.
      for (let attempt = 0; ; attempt++) {
        const { generation, indexed } = await current();
        if (generation === null) return { members: [] };
        await ensureIndexed(generation, indexed);
        const entries = await store.sortedRange(
          keysOf(generation).index,
          entry(scope, query.after ?? ''),
          endOf(scope),
          query.limit + 1,
        );
        const userids = entries.slice(0, query.limit).map((e) => e.slice(scope.length + 1));
        const found = await readMembers(generation, userids);
        if ((await current()).generation !== generation && attempt < 3) continue;
        return {
          // An index entry whose member has just been patched away is left out.
          members: found.filter(
            (m): m is OrgMember =>
              m !== undefined &&
              (query.departmentId === undefined || m.department.includes(query.departmentId)),
          ),
          ...(entries.length > query.limit && { last: userids.at(-1) }),
        };
      }
    },
    async memberNames(userids) {
      const { generation } = await current();
      if (generation === null || userids.length === 0) return userids.map(() => undefined);
      const raws = await store.hashGet(keysOf(generation).members, userids);
      return raws.map((raw) => {
        if (raw === null) return undefined;
        const parsed = orgMemberSchema.safeParse(JSON.parse(raw));
        return parsed.success && parsed.data.name ? parsed.data.name : undefined;
      });
    },
    readNote: async (name) => (await store.hashGet(META, [`note:${name}`]))[0] ?? null,
    writeNote: (name, value) => store.hashSet(META, { [`note:${name}`]: value }),
  };
}
