import { z } from 'zod';
import type { Store } from '../stores/store';
import type { WecomAddressBook } from '../wecom/address-book';
import { DEPARTMENT_NOT_FOUND, RESOURCE_HIDDEN, USER_NOT_FOUND } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';
import { type CallGate, type CallGateOptions, createCallGate } from './call-gate';
import { type Committing, TOUCHED, TOUCHED_TTL_MS } from './commit';
import { changesOf, stamped } from './diff';
import { forEachMembershipPage, refusal, refusedListing } from './from-wecom';
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

/**
 * An incremental change: a `change_contact` event re-reads only the member or department it
 * names (one WeCom call, a few store round trips) and appends what changed to the feed, under the
 * commit lock, noting what it touched for a full sync running meanwhile.
 */

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

export interface ChangeDeps {
  store: Store;
  orgStore: OrgStore;
  addressBook: WecomAddressBook;
  committing: Committing;
  /** Appends records to the change feed (in batches) and answers them with their seq. */
  append(changes: readonly OrgChange[]): Promise<OrgChangeRecord[]>;
  iso(): string;
  gate?: Omit<CallGateOptions, 'concurrency' | 'signal'>;
}

/** Departments a member may name before their own event arrived: read at most this many. */
const MAX_MEMBER_DEPARTMENTS_READ = 20;

export function createChangeApplier(deps: ChangeDeps) {
  const { store, orgStore, addressBook, committing, append, iso } = deps;

  async function readMember(userid: string, gate: CallGate): Promise<OrgMember | null> {
    try {
      return memberFromWecom(await gate.run(() => addressBook.getMember(userid)));
    } catch (error) {
      if (
        error instanceof WecomApiError &&
        (USER_NOT_FOUND.has(error.errcode) || RESOURCE_HIDDEN.has(error.errcode))
      )
        return null;
      if (!refusedListing(error))
        throw error instanceof WecomApiError
          ? refusal(error, { kind: 'member', id: userid })
          : error;
    }
    // Ids only (the 通讯录同步 secret): the member's rows of user/list_id, page by page.
    const member: OrgMember = { userid, department: [] };
    await forEachMembershipPage(addressBook, gate, async (rows) => {
      for (const row of rows)
        if (row.userid === userid && !member.department.includes(row.department))
          member.department.push(row.department);
    });
    return member.department.length > 0 ? member : null;
  }

  async function readDepartment(id: number, gate: CallGate): Promise<OrgDepartment | null> {
    const gone = (error: unknown) =>
      error instanceof WecomApiError &&
      (DEPARTMENT_NOT_FOUND.has(error.errcode) || RESOURCE_HIDDEN.has(error.errcode));
    try {
      return departmentFromWecom(await gate.run(() => addressBook.getDepartment(id)));
    } catch (error) {
      if (gone(error)) return null;
      if (!refusedListing(error))
        throw error instanceof WecomApiError ? refusal(error, { kind: 'department', id }) : error;
    }
    // Ids only: the department's own entry of department/simplelist.
    try {
      const listed = await gate.run(() => addressBook.listDepartmentIds({ id }));
      const found = listed.find((d) => d.id === id);
      return found ? departmentFromWecom(found) : null;
    } catch (error) {
      if (gone(error)) return null;
      throw error instanceof WecomApiError ? refusal(error, { kind: 'department', id }) : error;
    }
  }

  /** Re-reads what a `change_contact` event names and appends what changed. */
  return async function applyChange(input: OrgChangeRequest): Promise<ChangeResult> {
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
        ...changesOf('department', before.departments, after.departments, DEPARTMENT_FIELDS),
        ...changesOf('member', before.members, after.members, MEMBER_FIELDS),
      ].map((draft) => stamped(draft, at));
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
  };
}
