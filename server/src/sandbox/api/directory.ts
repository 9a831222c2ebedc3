import { z } from 'zod';
import type { AppRuntime } from '../corp';
import type { DemoEmployee } from '../seed-types';
import { page, parseBody } from './cursor';
import type { Answer, ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/** Directory APIs: user/get, user/list, user/list_id, department/list, department/simplelist. */

/** 通讯录同步 from a new IP may not read details (48009); other corps know none of our people. */
function assertReadsDirectory(app: AppRuntime, corpId: string): void {
  if (!app.readsDirectory) throw new WecomError(48009);
  if (app.corpId !== corpId) throw new WecomError(60011);
}

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

function departmentId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new WecomError(40058);
  return Number(raw);
}

export function directoryRoutes(deps: ApiDeps): ApiRoute[] {
  const { corp } = deps;
  const { seed } = corp;
  const subtree = (root: number, visible: ReadonlySet<number>) => {
    const ids = new Set([root]);
    for (const d of seed.departments) if (ids.has(d.parentid)) ids.add(d.id);
    return seed.departments.filter((d) => ids.has(d.id) && visible.has(d.id));
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
      handle({ query, app }) {
        assertReadsDirectory(app, seed.corpId);
        const id = departmentId(query.department_id);
        if (id === undefined || !app.visibleDepartments.has(id)) throw new WecomError(60011);
        return { userlist: seed.employees.filter((e) => e.department.includes(id)).map(member) };
      },
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
            limit: z.number().int().min(1).max(10_000).optional(),
          }),
          body,
        );
        const rows = seed.employees.flatMap((e) =>
          e.department.map((department) => ({ userid: e.userid, department })),
        );
        const { slice, nextCursor } = page(rows, input.cursor, input.limit ?? 10_000);
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
        const id = departmentId(query.id);
        if (id !== undefined && !app.visibleDepartments.has(id)) throw new WecomError(60011);
        const list =
          id === undefined
            ? seed.departments.filter((d) => app.visibleDepartments.has(d.id))
            : subtree(id, app.visibleDepartments);
        return { department: list.map((d) => ({ ...d, department_leader: [] })) };
      },
    },
    {
      api: 'department/simplelist',
      method: 'GET',
      auth: true,
      empty: { department_id: [] },
      handle({ query, app }) {
        if (app.corpId !== seed.corpId) throw new WecomError(60011);
        const id = departmentId(query.id);
        if (id !== undefined && !app.visibleDepartments.has(id)) throw new WecomError(60011);
        const list =
          id === undefined
            ? seed.departments.filter((d) => app.visibleDepartments.has(d.id))
            : subtree(id, app.visibleDepartments);
        return {
          department_id: list.map((d) => ({ id: d.id, parentid: d.parentid, order: d.order })),
        };
      },
    },
  ];
}
