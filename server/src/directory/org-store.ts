import { randomUUID } from 'node:crypto';
import type { Store } from '../stores/store';
import {
  emptySnapshot,
  type OrgDepartment,
  type OrgMember,
  type OrgSnapshot,
  orgDepartmentSchema,
  orgMemberSchema,
} from './model';

/**
 * The org snapshot in the store. A snapshot is a generation: two hashes (departments by id,
 * members by userid) under a generation id. A full sync writes a new generation beside the
 * current one and switches the pointer (one hash field) at the end, so a sync that fails half-way
 * leaves the current generation as it was; the previous generation is dropped after the switch.
 * An incremental change patches the current generation in place and bumps its version. Readers
 * in this process keep the current generation in memory (`view`) until the pointer or version
 * moves.
 */

const META = 'org:{org}:meta';
const BATCH = 500;
const SCAN_COUNT = 1000;

const departmentsKey = (generation: string) => `org:{org}:g:${generation}:departments`;
const membersKey = (generation: string) => `org:{org}:g:${generation}:members`;

export interface CurrentGeneration {
  generation: string | null;
  version: string | null;
}

/** The current snapshot with the indexes the read APIs use. */
export interface OrgView {
  generation: string | null;
  version: string | null;
  /** Departments by (parent, order descending, id). */
  departments: readonly OrgDepartment[];
  departmentById: ReadonlyMap<number, OrgDepartment>;
  /** Members by userid (code point order). */
  members: readonly OrgMember[];
  /** Each department's direct members by userid. */
  membersByDepartment: ReadonlyMap<number, readonly OrgMember[]>;
}

export interface OrgPatch {
  departments?: { put?: readonly OrgDepartment[]; delete?: readonly number[] };
  members?: { put?: readonly OrgMember[]; delete?: readonly string[] };
}

export interface OrgStore {
  current(): Promise<CurrentGeneration>;
  /** The whole snapshot of `generation` (the current one by default; empty when there is none). */
  readSnapshot(generation?: string | null): Promise<OrgSnapshot>;
  /** Some departments and members of the current generation (absent ids are left out). */
  readSome(ids: {
    departments?: readonly number[];
    members?: readonly string[];
  }): Promise<{ generation: string | null; snapshot: OrgSnapshot }>;
  /** Writes `snapshot` as a new generation (not yet current) and answers its id. */
  writeGeneration(snapshot: OrgSnapshot): Promise<string>;
  /** Makes `generation` current and drops the one it replaces. */
  switchTo(generation: string): Promise<void>;
  dropGeneration(generation: string): Promise<void>;
  /** Drops a generation a sync started but never switched to (its process died). */
  dropAbandoned(): Promise<void>;
  /** Changes the current generation in place. */
  patch(generation: string, patch: OrgPatch): Promise<void>;
  /** The current snapshot, from memory while the generation and its version are unchanged. */
  view(): Promise<OrgView>;
  /** Display names of members of the current snapshot (undefined: not there or no name). */
  memberNames(userids: readonly string[]): Promise<(string | undefined)[]>;
  /** A small JSON document kept beside the snapshot (the last sync's result). */
  readNote(name: string): Promise<string | null>;
  writeNote(name: string, value: string): Promise<void>;
}

const byUserid = (a: OrgMember, b: OrgMember) =>
  a.userid < b.userid ? -1 : a.userid > b.userid ? 1 : 0;
const byParentOrderId = (a: OrgDepartment, b: OrgDepartment) =>
  a.parentid - b.parentid || b.order - a.order || a.id - b.id;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

export function createOrgStore(store: Store): OrgStore {
  let memo: OrgView | undefined;
  let loading: { key: string; promise: Promise<OrgView> } | undefined;

  async function current(): Promise<CurrentGeneration> {
    const [generation, version] = await store.hashGet(META, ['generation', 'version']);
    return { generation: generation ?? null, version: version ?? null };
  }

  async function scanAll<T>(key: string, parse: (raw: string) => T): Promise<T[]> {
    const result: T[] = [];
    let cursor = '0';
    // Bounded: a scan returns every field at least once within about size / count rounds.
    for (let round = 0; round < 1_000_000; round++) {
      const page = await store.hashScan(key, cursor, SCAN_COUNT);
      for (const [, value] of page.entries) result.push(parse(value));
      cursor = page.cursor;
      if (cursor === '0') break;
    }
    return result;
  }

  async function readSnapshot(generation?: string | null): Promise<OrgSnapshot> {
    const id = generation === undefined ? (await current()).generation : generation;
    if (id === null) return emptySnapshot();
    const [departments, members] = await Promise.all([
      scanAll(departmentsKey(id), (raw) => orgDepartmentSchema.parse(JSON.parse(raw))),
      scanAll(membersKey(id), (raw) => orgMemberSchema.parse(JSON.parse(raw))),
    ]);
    return {
      departments: new Map(departments.map((d) => [d.id, d])),
      members: new Map(members.map((m) => [m.userid, m])),
    };
  }

  async function putAll(
    generation: string,
    departments: readonly OrgDepartment[],
    members: readonly OrgMember[],
  ): Promise<void> {
    for (const batch of chunks(departments, BATCH)) {
      await store.hashSet(
        departmentsKey(generation),
        Object.fromEntries(batch.map((d) => [String(d.id), JSON.stringify(d)])),
      );
    }
    for (const batch of chunks(members, BATCH)) {
      await store.hashSet(
        membersKey(generation),
        Object.fromEntries(batch.map((m) => [m.userid, JSON.stringify(m)])),
      );
    }
  }

  async function dropGeneration(generation: string): Promise<void> {
    await store.delete(departmentsKey(generation), membersKey(generation));
  }

  async function load(): Promise<OrgView> {
    // The generation may switch while it is read: read again (a few times at most) until the
    // pointer is the same before and after.
    for (let attempt = 0; ; attempt++) {
      const before = await current();
      const snapshot = await readSnapshot(before.generation);
      const after = await current();
      if (
        (after.generation === before.generation && after.version === before.version) ||
        attempt >= 3
      )
        return indexed(before, snapshot);
    }
  }

  function indexed(at: CurrentGeneration, snapshot: OrgSnapshot): OrgView {
    const members = [...snapshot.members.values()].sort(byUserid);
    const membersByDepartment = new Map<number, OrgMember[]>();
    for (const member of members) {
      for (const id of new Set(member.department)) {
        const list = membersByDepartment.get(id) ?? [];
        list.push(member);
        membersByDepartment.set(id, list);
      }
    }
    return {
      ...at,
      departments: [...snapshot.departments.values()].sort(byParentOrderId),
      departmentById: snapshot.departments,
      members,
      membersByDepartment,
    };
  }

  return {
    current,
    readSnapshot,
    async readSome(ids) {
      const { generation } = await current();
      const snapshot = emptySnapshot();
      if (generation === null) return { generation, snapshot };
      const departmentIds = ids.departments ?? [];
      const memberIds = ids.members ?? [];
      const [departments, members] = await Promise.all([
        store.hashGet(departmentsKey(generation), departmentIds.map(String)),
        store.hashGet(membersKey(generation), memberIds),
      ]);
      for (const raw of departments) {
        if (raw === null) continue;
        const department = orgDepartmentSchema.parse(JSON.parse(raw));
        snapshot.departments.set(department.id, department);
      }
      for (const raw of members) {
        if (raw === null) continue;
        const member = orgMemberSchema.parse(JSON.parse(raw));
        snapshot.members.set(member.userid, member);
      }
      return { generation, snapshot };
    },
    async writeGeneration(snapshot) {
      const generation = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
      // Remembered first, so that a process dying while writing leaves a generation the next
      // sync can find and drop.
      await store.hashSet(META, { building: generation });
      await putAll(generation, [...snapshot.departments.values()], [...snapshot.members.values()]);
      return generation;
    },
    async switchTo(generation) {
      const { generation: replaced } = await current();
      await store.hashSet(META, { generation, version: randomUUID(), building: '' });
      if (replaced !== null && replaced !== generation) await dropGeneration(replaced);
    },
    dropGeneration,
    async dropAbandoned() {
      const [building, generation] = await store.hashGet(META, ['building', 'generation']);
      if (building && building !== generation) await dropGeneration(building);
      if (building) await store.hashSet(META, { building: '' });
    },
    async patch(generation, patch) {
      await putAll(generation, patch.departments?.put ?? [], patch.members?.put ?? []);
      const departmentsGone = (patch.departments?.delete ?? []).map(String);
      if (departmentsGone.length > 0)
        await store.hashDelete(departmentsKey(generation), departmentsGone);
      const membersGone = patch.members?.delete ?? [];
      if (membersGone.length > 0) await store.hashDelete(membersKey(generation), membersGone);
      await store.hashSet(META, { version: randomUUID() });
    },
    async view() {
      const now = await current();
      const key = `${now.generation}\n${now.version}`;
      if (memo && `${memo.generation}\n${memo.version}` === key) return memo;
      if (loading?.key !== key) {
        const promise = load().then(
          (view) => {
            memo = view;
            return view;
          },
          (error: unknown) => {
            loading = undefined;
            throw error;
          },
        );
        loading = { key, promise };
      }
      return loading.promise;
    },
    async memberNames(userids) {
      const { generation } = await current();
      if (generation === null || userids.length === 0) return userids.map(() => undefined);
      const raws = await store.hashGet(membersKey(generation), userids);
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
