import type { WecomDirectory } from '../wecom/directory';
import type { Bilingual, ErrcodeTarget } from '../wecom/errcodes';
import { DEPARTMENT_NOT_FOUND, explainErrcode, LISTING_REFUSED } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';
import { type CallGate, forEachBounded } from './call-gate';
import { OrgError } from './errors';
import {
  departmentFromWecom,
  emptySnapshot,
  memberFromWecom,
  type OrgMember,
  type OrgSnapshot,
} from './model';

/**
 * Reads the whole org visible to the directory credential into a snapshot, falling back from one
 * listing API to the next where WeCom refuses it:
 * - departments: `department/list`; refused → `department/simplelist` + `department/get` each;
 *   `department/get` refused too (the 通讯录同步 secret) → ids, parents and order only;
 * - members: `user/list` per department (a member in several departments is listed in each:
 *   kept once); refused → `user/list_id` pages (ids and departments only).
 * Every other refusal ends the read with an `OrgError` explained by the errcode catalogue (60011
 * names the department).
 */

export type DepartmentSource =
  | 'department/list'
  | 'department/simplelist+get'
  | 'department/simplelist';
export type MemberSource = 'user/list' | 'user/list_id';

/** A refusal the read worked around, explained for the admin. */
export interface ReadNote {
  api: string;
  errcode: number;
  cause: Bilingual;
  fix: Bilingual;
}

export interface ReadProgress {
  phase: 'departments' | 'members';
  departments: number;
  departmentsRead: number;
  members: number;
}

export interface OrgRead {
  snapshot: OrgSnapshot;
  sources: { departments: DepartmentSource; members: MemberSource };
  notes: ReadNote[];
}

/** user/list_id rows per page (WeCom's largest page). */
const LIST_ID_PAGE = 10_000;
/** Pages of user/list_id read at most (a corp of up to 5 million memberships). */
const MAX_LIST_ID_PAGES = 500;

export function noteOf(error: WecomApiError): ReadNote {
  const explained = explainErrcode(error.errcode, { api: error.api, credential: error.credential });
  return { api: error.api, errcode: error.errcode, cause: explained.cause, fix: explained.fix };
}

/** The refusal as an `OrgError('refused')` whose explanation names `target` where it helps. */
export function refusal(error: WecomApiError, target?: ErrcodeTarget): OrgError {
  const explained = explainErrcode(error.errcode, {
    api: error.api,
    credential: error.credential,
    target,
  });
  return new OrgError('refused', {
    message: `WeCom ${error.api} refused with errcode ${error.errcode}`,
    errcode: error.errcode,
    api: error.api,
    explanation: { cause: explained.cause, fix: explained.fix },
    error,
  });
}

const refusedListing = (error: unknown): error is WecomApiError =>
  error instanceof WecomApiError && LISTING_REFUSED.has(error.errcode);

export async function readOrg(deps: {
  directory: WecomDirectory;
  gate: CallGate;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (progress: ReadProgress) => void;
}): Promise<OrgRead> {
  const { directory, gate, concurrency, signal, onProgress = () => {} } = deps;
  const snapshot = emptySnapshot();
  const notes: ReadNote[] = [];
  const progress: ReadProgress = {
    phase: 'departments',
    departments: 0,
    departmentsRead: 0,
    members: 0,
  };
  const report = () => onProgress({ ...progress });
  const call = <T>(fn: () => Promise<T>) => gate.run(fn);

  // ---- departments ------------------------------------------------------------------------------
  let departmentSource: DepartmentSource = 'department/list';
  try {
    const listed = await call(() => directory.listDepartments({ signal }));
    for (const d of listed) snapshot.departments.set(d.id, departmentFromWecom(d));
  } catch (error) {
    if (!refusedListing(error)) throw error instanceof WecomApiError ? refusal(error) : error;
    notes.push(noteOf(error));
    departmentSource = 'department/simplelist+get';
    let ids: Awaited<ReturnType<WecomDirectory['listDepartmentIds']>>;
    try {
      ids = await call(() => directory.listDepartmentIds({ signal }));
    } catch (inner) {
      throw inner instanceof WecomApiError ? refusal(inner) : inner;
    }
    for (const d of ids) snapshot.departments.set(d.id, departmentFromWecom(d));
    progress.departments = ids.length;
    report();
    // One department/get first: when the secret may not call it, the others would fail alike.
    let named = true;
    const nameOne = async (id: number) => {
      try {
        const d = await call(() => directory.getDepartment(id, { signal }));
        snapshot.departments.set(id, departmentFromWecom(d));
      } catch (inner) {
        if (refusedListing(inner)) {
          named = false;
          notes.push(noteOf(inner));
          return;
        }
        // Deleted since the listing: the next sync sees it gone; drop it now.
        if (inner instanceof WecomApiError && DEPARTMENT_NOT_FOUND.has(inner.errcode)) {
          snapshot.departments.delete(id);
          return;
        }
        throw inner instanceof WecomApiError ? refusal(inner, { kind: 'department', id }) : inner;
      }
    };
    const [first, ...rest] = ids.map((d) => d.id);
    if (first !== undefined) await nameOne(first);
    if (named) await forEachBounded(rest, concurrency, nameOne, signal);
    else departmentSource = 'department/simplelist';
  }
  progress.departments = snapshot.departments.size;
  progress.phase = 'members';
  report();

  // ---- members ----------------------------------------------------------------------------------
  let memberSource: MemberSource = 'user/list';
  let listRefused: WecomApiError | undefined;
  const listOne = async (id: number) => {
    if (listRefused) return;
    let listed: Awaited<ReturnType<WecomDirectory['listMembers']>>;
    try {
      listed = await call(() => directory.listMembers(id, { signal }));
    } catch (error) {
      if (refusedListing(error)) {
        listRefused ??= error;
        return;
      }
      if (error instanceof WecomApiError && DEPARTMENT_NOT_FOUND.has(error.errcode)) {
        snapshot.departments.delete(id);
        return;
      }
      const name = snapshot.departments.get(id)?.name;
      throw error instanceof WecomApiError
        ? refusal(error, { kind: 'department', id, ...(name && { name }) })
        : error;
    }
    for (const m of listed) {
      if (!snapshot.members.has(m.userid)) snapshot.members.set(m.userid, memberFromWecom(m));
    }
    progress.departmentsRead += 1;
    progress.members = snapshot.members.size;
    report();
  };
  const departmentIds = [...snapshot.departments.keys()];
  // The first department alone: a refused user/list ends the per-department reads at once.
  if (departmentIds.length > 0) await listOne(departmentIds[0]!);
  if (!listRefused) await forEachBounded(departmentIds.slice(1), concurrency, listOne, signal);
  if (listRefused) {
    notes.push(noteOf(listRefused));
    memberSource = 'user/list_id';
    snapshot.members.clear();
    const members = await listAllMemberIds(directory, gate, signal);
    for (const member of members.values()) snapshot.members.set(member.userid, member);
    progress.departmentsRead = progress.departments;
    progress.members = snapshot.members.size;
    report();
  }
  return { snapshot, sources: { departments: departmentSource, members: memberSource }, notes };
}

/** Every member from user/list_id pages: userid and departments (in row order). */
export async function listAllMemberIds(
  directory: WecomDirectory,
  gate: CallGate,
  signal?: AbortSignal,
): Promise<Map<string, OrgMember>> {
  const members = new Map<string, OrgMember>();
  let cursor = '';
  for (let page = 0; page < MAX_LIST_ID_PAGES; page++) {
    let answer: Awaited<ReturnType<WecomDirectory['listMemberIds']>>;
    try {
      answer = await gate.run(() =>
        directory.listMemberIds({ cursor, limit: LIST_ID_PAGE }, { signal }),
      );
    } catch (error) {
      throw error instanceof WecomApiError ? refusal(error) : error;
    }
    for (const row of answer.rows) {
      const member = members.get(row.userid) ?? { userid: row.userid, department: [] };
      if (!member.department.includes(row.department)) member.department.push(row.department);
      members.set(row.userid, member);
    }
    if (answer.nextCursor === '') return members;
    cursor = answer.nextCursor;
  }
  throw new OrgError('refused', {
    message: `user/list_id answered more than ${MAX_LIST_ID_PAGES} pages`,
  });
}
