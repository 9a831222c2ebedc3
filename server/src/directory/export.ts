import { stringify } from 'csv-stringify/sync';
import type { OrgView } from './org-store';

/**
 * The snapshot as files for people and spreadsheets: members and departments as CSV (UTF-8 with a
 * byte order mark, so that Excel shows 张三; cells that would start a formula are quoted with
 * `'`), and the whole snapshot as JSON. Several ids or names in one cell are joined with `;`.
 */

const CSV_OPTIONS = { header: true, bom: true, escape_formulas: true } as const;

export function membersCsv(view: OrgView): string {
  const nameOf = (id: number) => view.departmentById.get(id)?.name ?? '';
  return stringify(
    view.members.map((m) => ({
      userid: m.userid,
      name: m.name ?? '',
      departments: m.department.join(';'),
      department_names: m.department.map(nameOf).join(';'),
      main_department: m.mainDepartment ?? '',
      position: m.position ?? '',
      status: m.status ?? '',
    })),
    {
      ...CSV_OPTIONS,
      columns: [
        'userid',
        'name',
        'departments',
        'department_names',
        'main_department',
        'position',
        'status',
      ],
    },
  );
}

export function departmentsCsv(view: OrgView): string {
  return stringify(
    view.departments.map((d) => ({
      id: d.id,
      name: d.name ?? '',
      parentid: d.parentid,
      order: d.order,
      leaders: (d.leaders ?? []).join(';'),
      members: view.membersByDepartment.get(d.id)?.length ?? 0,
    })),
    { ...CSV_OPTIONS, columns: ['id', 'name', 'parentid', 'order', 'leaders', 'members'] },
  );
}

export function snapshotJson(view: OrgView): string {
  return `${JSON.stringify({ departments: view.departments, members: view.members }, null, 2)}\n`;
}
