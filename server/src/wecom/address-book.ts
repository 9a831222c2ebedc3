import {
  departmentGetSchema,
  departmentListSchema,
  departmentSimpleListSchema,
  userListIdSchema,
  userListSchema,
  type WecomDepartment,
  type WecomDepartmentId,
  type WecomMember,
  type WecomUserIdRow,
  wecomMemberSchema,
} from './address-book-schemas';
import { apiPaths } from './api-paths';
import type { WecomClient } from './client';
import { DEPARTMENT_NOT_FOUND, LISTING_REFUSED, RESOURCE_HIDDEN, USER_NOT_FOUND } from './errcodes';

/**
 * Typed calls of WeCom's address book (通讯录: department/* and user/*), all with the directory
 * credential (`WECOM_DIRECTORY_SECRET`, else the app secret). Which of them a secret may call differs: a self-built app reads names and details
 * within its visible range; the 通讯录同步 secret (from a new IP) lists ids only
 * (`listDepartmentIds`, `listMemberIds`) and gets 48009 on the rest. Refusals are thrown as
 * `WecomApiError`; the org sync decides the fallback and explains them.
 */
export interface WecomAddressBook {
  /** department/list: the visible departments from `id` down (all of them without `id`). */
  listDepartments(options?: CallOptions & { id?: number }): Promise<WecomDepartment[]>;
  /** department/simplelist: the same, ids, parents and order only. */
  listDepartmentIds(options?: CallOptions & { id?: number }): Promise<WecomDepartmentId[]>;
  /** department/get: one department with its name. */
  getDepartment(id: number, options?: CallOptions): Promise<WecomDepartment>;
  /** user/list: the direct members of one department, with details (no paging). */
  listMembers(departmentId: number, options?: CallOptions): Promise<WecomMember[]>;
  /** user/list_id: one page of (userid, department) rows of the whole corp (limit 1..10000). */
  listMemberIds(
    page: { cursor?: string; limit: number },
    options?: CallOptions,
  ): Promise<{ rows: WecomUserIdRow[]; nextCursor: string }>;
  /** user/get: one member (the org sync, the employee profile, the name lookups, the doctor). */
  getMember(userid: string, options?: CallOptions): Promise<WecomMember>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** A department's member list with details can be large: 5,000 members are about 2 MiB. */
const MEMBER_LIST_MAX_BYTES = 32 * 1024 * 1024;
const DEPARTMENT_LIST_MAX_BYTES = 16 * 1024 * 1024;

const LISTING_FALLS_BACK = LISTING_REFUSED;
const MEMBER_GONE = new Set([...USER_NOT_FOUND, ...RESOURCE_HIDDEN]);
const DEPARTMENT_GONE = new Set([...DEPARTMENT_NOT_FOUND, ...RESOURCE_HIDDEN]);

export function createWecomAddressBook(deps: { client: WecomClient }): WecomAddressBook {
  const { client } = deps;
  const idQuery = (id: number | undefined) => (id === undefined ? {} : { id });
  return {
    listDepartments: async (options = {}) =>
      (
        await client.call('directory', {
          api: apiPaths.listDepartments,
          query: idQuery(options.id),
          schema: departmentListSchema,
          signal: options.signal,
          expectedErrcodes: LISTING_FALLS_BACK,
          maxResponseBytes: DEPARTMENT_LIST_MAX_BYTES,
        })
      ).department,
    listDepartmentIds: async (options = {}) =>
      (
        await client.call('directory', {
          api: apiPaths.listDepartmentIds,
          query: idQuery(options.id),
          schema: departmentSimpleListSchema,
          signal: options.signal,
          maxResponseBytes: DEPARTMENT_LIST_MAX_BYTES,
        })
      ).department_id,
    getDepartment: async (id, options = {}) =>
      (
        await client.call('directory', {
          api: apiPaths.getDepartment,
          query: { id },
          schema: departmentGetSchema,
          signal: options.signal,
          expectedErrcodes: new Set([...DEPARTMENT_GONE, ...LISTING_FALLS_BACK]),
        })
      ).department,
    listMembers: async (departmentId, options = {}) =>
      (
        await client.call('directory', {
          api: apiPaths.listUsers,
          query: { department_id: departmentId },
          schema: userListSchema,
          signal: options.signal,
          expectedErrcodes: LISTING_FALLS_BACK,
          maxResponseBytes: MEMBER_LIST_MAX_BYTES,
        })
      ).userlist,
    listMemberIds: async (page, options = {}) => {
      const answer = await client.call('directory', {
        api: apiPaths.listUserIds,
        method: 'POST',
        body: { cursor: page.cursor ?? '', limit: page.limit },
        schema: userListIdSchema,
        signal: options.signal,
      });
      return { rows: answer.dept_user, nextCursor: answer.next_cursor ?? '' };
    },
    getMember: (userid, options = {}) =>
      client.call('directory', {
        api: apiPaths.getUser,
        query: { userid },
        schema: wecomMemberSchema,
        signal: options.signal,
        expectedErrcodes: new Set([...MEMBER_GONE, ...LISTING_FALLS_BACK]),
      }),
  };
}
