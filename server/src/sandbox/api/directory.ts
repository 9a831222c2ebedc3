import { z } from 'zod';
import type { AppRuntime } from '../corp';
import type { DemoDepartment, DemoEmployee } from '../seed-types';
import { page, parseBody } from './cursor';
import type { Answer, ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/**
 * Directory APIs: user/get, user/list, user/simplelist, user/list_id, department/list,
 * department/simplelist, department/get. What each credential may call follows WeCom since
 * 2022-08-15: the 通讯录同步 secret (from a new IP) gets 48009 on every read of names and details
 * and may list ids only (user/list_id, department/simplelist); self-built apps read within their
 * visible range (60011 outside it) and may not call user/list_id (48002).
 */

/** 通讯录同步 from a new IP may not read details (48009); other corps know none of our people. */
function assertReadsDirectory(app: AppRuntime, corpId: string): void {
  if (!app.readsDirectory) throw new WecomError(48009);
  if (app.corpId !== corpId) throw new WecomError(60011);
}

/** user/list_id pages at most this many rows (WeCom: limit 1..10000). */
export const LIST_ID_MAX_LIMIT = 10_000;

/** Member details as a self-built app created after 2022-06-20 sees them (no sensitive fields). */
function member(e: DemoEmployee): Answer {
  return {
    userid: e.userid,
    name: e.name,
    department: e.department,
    order: e.department.map(() => 0),
    position: e.position,
    status: e.status,
    isleader: 0,
    is_leader_in_dept: e.department.map(() => 0),
    direct_leader: [],
    main_department: e.department[0],
    alias: '',
    telephone: '',
    enable: 1,
    hide_mobile: 0,
    extattr: { attrs: [] },
    external_position: '',
  };
}

function department(d: DemoDepartment): Answer {
  return {
    id: d.id,
    name: d.name,
    name_en: d.name_en,
    department_leader: d.department_leader ?? [],
    parentid: d.parentid,
    order: d.order,
  };
}

function departmentId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new WecomError(40058);
  return Number(raw);
}

export function directoryRoutes(deps: ApiDeps): ApiRoute[] {
  const { corp } = deps;
  const { seed, org } = corp;

  /** The visible departments from `id` down (all visible ones without `id`). */
  const visibleTree = (query: Record<string, string | undefined>, app: AppRuntime) => {
    const id = departmentId(query.id);
    if (id !== undefined && !app.visibleDepartments.has(id)) throw new WecomError(60011);
    if (id !== undefined) return org.subtree(id).filter((d) => app.visibleDepartments.has(d.id));
    return [...org.departments.values()].filter((d) => app.visibleDepartments.has(d.id));
  };
  /** The members of one visible department (no recursion: WeCom's fetch_child is not relied on). */
  const membersIn = (query: Record<string, string | undefined>, app: AppRuntime) => {
    assertReadsDirectory(app, seed.corpId);
    const id = departmentId(query.department_id);
    if (id === undefined) throw new WecomError(40058, 'department_id required');
    if (!org.departments.has(id)) throw new WecomError(60123);
    if (!app.visibleDepartments.has(id)) throw new WecomError(60011);
    return org.membersOf(id);
  };

  return [
    {
      api: 'user/get',
      method: 'GET',
      auth: true,
      handle({ query, app }) {
        assertReadsDirectory(app, seed.corpId);
        const e = query.userid ? corp.employees.get(query.userid) : undefined;
        if (!e) throw new WecomError(60111);
        if (!app.visibleUsers.has(e.userid)) throw new WecomError(60011);
        return member(e);
      },
    },
    {
      api: 'user/list',
      method: 'GET',
      auth: true,
      empty: { userlist: [] },
      handle: ({ query, app }) => ({ userlist: membersIn(query, app).map(member) }),
    },
    {
      api: 'user/simplelist',
      method: 'GET',
      auth: true,
      empty: { userlist: [] },
      handle: ({ query, app }) => ({
        userlist: membersIn(query, app).map((e) => ({
          userid: e.userid,
          name: e.name,
          department: e.department,
        })),
      }),
    },
    {
      api: 'user/list_id',
      method: 'POST',
      auth: true,
      empty: { dept_user: [], next_cursor: '' },
      handle({ body, app }) {
        if (app.key !== 'directory-sync') throw new WecomError(48002);
        const input = parseBody(
          z.object({
            cursor: z.string().max(256).optional(),
            limit: z.number().int().min(1).max(LIST_ID_MAX_LIMIT).optional(),
          }),
          body,
        );
        const rows = [...corp.employees.values()].flatMap((e) =>
          e.department.map((department) => ({ userid: e.userid, department })),
        );
        const { slice, nextCursor } = page(rows, input.cursor, input.limit ?? LIST_ID_MAX_LIMIT);
        return { next_cursor: nextCursor, dept_user: slice };
      },
    },
    {
      api: 'department/list',
      method: 'GET',
      auth: true,
      empty: { department: [] },
      handle({ query, app }) {
        assertReadsDirectory(app, seed.corpId);
        return { department: visibleTree(query, app).map(department) };
      },
    },
    {
      api: 'department/simplelist',
      method: 'GET',
      auth: true,
      empty: { department_id: [] },
      handle({ query, app }) {
        if (app.corpId !== seed.corpId) throw new WecomError(60011);
        return {
          department_id: visibleTree(query, app).map((d) => ({
            id: d.id,
            parentid: d.parentid,
            order: d.order,
          })),
        };
      },
    },
    {
      api: 'department/get',
      method: 'GET',
      auth: true,
      empty: { department: {} },
      handle({ query, app }) {
        assertReadsDirectory(app, seed.corpId);
        const id = departmentId(query.id);
        if (id === undefined) throw new WecomError(40058, 'id required');
        const found = org.departments.get(id);
        if (!found) throw new WecomError(60123);
        if (!app.visibleDepartments.has(id)) throw new WecomError(60011);
        return { department: department(found) };
      },
    },
  ];
}
