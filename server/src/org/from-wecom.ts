import type { WecomAddressBook } from '../wecom/address-book';
import type { Bilingual, ErrcodeTarget } from '../wecom/errcodes';
import { DEPARTMENT_NOT_FOUND, explainErrcode, LISTING_REFUSED } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';
import { type CallGate, forEachBounded } from './call-gate';
import { OrgError } from './errors';
import { departmentFromWecom, memberFromWecom, type OrgDepartment, type OrgMember } from './model';

/**
 * Reads the org visible to the directory credential, falling back from one listing API to the
 * next where WeCom refuses it:
 * - departments (held in memory: thousands at most): `department/list`; refused →
 *   `department/simplelist` + `department/get` each; `department/get` refused too (the 通讯录同步
 *   secret) → ids, parents and order only;
 * - members, handed on as they arrive and never held together: `user/list` per department (a
 *   member in several departments is listed in each); refused → `user/list_id` pages (ids and
 *   departments only).
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

export interface DepartmentsRead {
  departments: Map<number, OrgDepartment>;
  source: DepartmentSource;
  notes: ReadNote[];
}

/** Where the members go as they are read. */
export interface MemberSink {
  /** One department's members (user/list); departments are listed several at a time. */
  listed(departmentId: number, members: OrgMember[]): Promise<void>;
  /** One page of membership rows (user/list_id), a page at a time. */
  rows(rows: readonly MembershipRow[]): Promise<void>;
  /** Forget what `listed` was given: the listing starts over with user/list_id. */
  restart(): Promise<void>;
}

export type MembershipRow = { userid: string; department: number };

/**
 * Departments listed at a time per WeCom call allowed at a time: while one department's members
 * are written to the store, another's call waits on WeCom (the gate still bounds the calls).
 */
const LISTINGS_PER_CALL = 2;
/** user/list_id rows per page (WeCom's largest page). */
const LIST_ID_PAGE = 10_000;
/** Pages of user/list_id read at most (a corp of up to 5 million memberships). */
const MAX_LIST_ID_PAGES = 500;

interface ReadDeps {
  addressBook: WecomAddressBook;
  gate: CallGate;
  concurrency: number;
  signal?: AbortSignal;
}

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

/** WeCom refused a listing to this secret (the 通讯录同步 secret falls back to ids). */
export const refusedListing = (error: unknown): error is WecomApiError =>
  error instanceof WecomApiError && LISTING_REFUSED.has(error.errcode);

export async function readDepartments(deps: ReadDeps): Promise<DepartmentsRead> {
  const { addressBook, gate, concurrency, signal } = deps;
  const departments = new Map<number, OrgDepartment>();
  const notes: ReadNote[] = [];
  const call = <T>(fn: () => Promise<T>) => gate.run(fn);
  try {
    const listed = await call(() => addressBook.listDepartments({ signal }));
    for (const d of listed) departments.set(d.id, departmentFromWecom(d));
    return { departments, source: 'department/list', notes };
  } catch (error) {
    if (!refusedListing(error)) throw error instanceof WecomApiError ? refusal(error) : error;
    notes.push(noteOf(error));
  }
  let ids: Awaited<ReturnType<WecomAddressBook['listDepartmentIds']>>;
  try {
    ids = await call(() => addressBook.listDepartmentIds({ signal }));
  } catch (inner) {
    throw inner instanceof WecomApiError ? refusal(inner) : inner;
  }
  for (const d of ids) departments.set(d.id, departmentFromWecom(d));
  // One department/get first: when the secret may not call it, the others would fail alike.
  let named = true;
  const nameOne = async (id: number) => {
    try {
      const d = await call(() => addressBook.getDepartment(id, { signal }));
      departments.set(id, departmentFromWecom(d));
    } catch (inner) {
      if (refusedListing(inner)) {
        named = false;
        notes.push(noteOf(inner));
        return;
      }
      // Deleted since the listing: the next sync sees it gone; drop it now.
      if (inner instanceof WecomApiError && DEPARTMENT_NOT_FOUND.has(inner.errcode)) {
        departments.delete(id);
        return;
      }
      throw inner instanceof WecomApiError ? refusal(inner, { kind: 'department', id }) : inner;
    }
  };
  const [first, ...rest] = ids.map((d) => d.id);
  if (first !== undefined) await nameOne(first);
  if (named) await forEachBounded(rest, concurrency, nameOne, signal);
  return {
    departments,
    source: named ? 'department/simplelist+get' : 'department/simplelist',
    notes,
  };
}

/**
 * Reads the members of `departments` into `sink` (a department WeCom no longer knows is deleted
 * from `departments`) and answers the API used and the refusals worked around.
 */
export async function readMembers(
  deps: ReadDeps & { departments: Map<number, OrgDepartment>; sink: MemberSink },
): Promise<{ source: MemberSource; notes: ReadNote[] }> {
  const { addressBook, gate, concurrency, signal, departments, sink } = deps;
  let listRefused: WecomApiError | undefined;
  const listOne = async (id: number) => {
    if (listRefused) return;
    let listed: Awaited<ReturnType<WecomAddressBook['listMembers']>>;
    try {
      listed = await gate.run(() => addressBook.listMembers(id, { signal }));
    } catch (error) {
      if (refusedListing(error)) {
        listRefused ??= error;
        return;
      }
      if (error instanceof WecomApiError && DEPARTMENT_NOT_FOUND.has(error.errcode)) {
        departments.delete(id);
        return;
      }
      const name = departments.get(id)?.name;
      throw error instanceof WecomApiError
        ? refusal(error, { kind: 'department', id, ...(name && { name }) })
        : error;
    }
    await sink.listed(id, listed.map(memberFromWecom));
  };
  const departmentIds = [...departments.keys()];
  // The first department alone: a refused user/list ends the per-department reads at once.
  if (departmentIds.length > 0) await listOne(departmentIds[0]!);
  if (!listRefused)
    await forEachBounded(departmentIds.slice(1), concurrency * LISTINGS_PER_CALL, listOne, signal);
  if (!listRefused) return { source: 'user/list', notes: [] };
  await sink.restart();
  await forEachMembershipPage(addressBook, gate, sink.rows, signal);
  return { source: 'user/list_id', notes: [noteOf(listRefused)] };
}

/** Every page of user/list_id's rows (userid, department), handed to `page` in order. */
export async function forEachMembershipPage(
  addressBook: WecomAddressBook,
  gate: CallGate,
  page: (rows: readonly MembershipRow[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let cursor = '';
  for (let count = 0; count < MAX_LIST_ID_PAGES; count++) {
    let answer: Awaited<ReturnType<WecomAddressBook['listMemberIds']>>;
    try {
      answer = await gate.run(() =>
        addressBook.listMemberIds({ cursor, limit: LIST_ID_PAGE }, { signal }),
      );
    } catch (error) {
      throw error instanceof WecomApiError ? refusal(error) : error;
    }
    await page(answer.rows);
    if (answer.nextCursor === '') return;
    cursor = answer.nextCursor;
  }
  throw new OrgError('refused', {
    message: `user/list_id answered more than ${MAX_LIST_ID_PAGES} pages`,
  });
}
