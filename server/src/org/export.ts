import type { FileHandle } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import type { OrgMember } from './model';
import type { OrgStore } from './org-store';

/**
 * The snapshot as files for people and spreadsheets: members and departments as CSV (UTF-8 with a
 * byte order mark, so that Excel shows 张三; cells that would start a formula are quoted with
 * `'`), and the whole snapshot as JSON. Several ids or names in one cell are joined with `;`.
 * Members are read from the store and written a page at a time, never held together; each
 * function answers how many records it wrote.
 */

type Reader = Pick<OrgStore, 'departments' | 'members'>;

const PAGE = 1000;
const csv = (rows: object[], columns: string[], first: boolean) =>
  stringify(rows, { header: first, bom: first, escape_formulas: true, columns });

/** Every member of the current snapshot by userid, a page at a time. */
async function forEachMemberPage(org: Reader, page: (members: OrgMember[]) => Promise<void>) {
  let after: string | undefined;
  do {
    const slice = await org.members({ after, limit: PAGE });
    await page(slice.members);
    after = slice.last;
  } while (after !== undefined);
}

const MEMBER_COLUMNS = [
  'userid',
  'name',
  'departments',
  'department_names',
  'main_department',
  'position',
  'status',
];

export async function writeMembersCsv(org: Reader, file: FileHandle): Promise<number> {
  const names = new Map((await org.departments()).map((d) => [d.id, d.name ?? '']));
  let count = 0;
  await forEachMemberPage(org, async (members) => {
    if (members.length === 0) return;
    const rows = members.map((m) => ({
      userid: m.userid,
      name: m.name ?? '',
      departments: m.department.join(';'),
      department_names: m.department.map((id) => names.get(id) ?? '').join(';'),
      main_department: m.mainDepartment ?? '',
      position: m.position ?? '',
      status: m.status ?? '',
    }));
    await file.write(csv(rows, MEMBER_COLUMNS, count === 0));
    count += members.length;
  });
  if (count === 0) await file.write(csv([], MEMBER_COLUMNS, true));
  return count;
}

export async function writeDepartmentsCsv(org: Reader, file: FileHandle): Promise<number> {
  const direct = new Map<number, number>();
  await forEachMemberPage(org, async (members) => {
    for (const m of members)
      for (const id of new Set(m.department)) direct.set(id, (direct.get(id) ?? 0) + 1);
  });
  const departments = await org.departments();
  const rows = departments.map((d) => ({
    id: d.id,
    name: d.name ?? '',
    parentid: d.parentid,
    order: d.order,
    leaders: (d.leaders ?? []).join(';'),
    members: direct.get(d.id) ?? 0,
  }));
  await file.write(csv(rows, ['id', 'name', 'parentid', 'order', 'leaders', 'members'], true));
  return departments.length;
}

/** `{departments: [...], members: [...]}`, one record a line. */
export async function writeSnapshotJson(org: Reader, file: FileHandle): Promise<number> {
  const departments = await org.departments();
  const lines = (records: readonly object[]) => records.map((r) => `    ${JSON.stringify(r)}`);
  await file.write(
    `{\n  "departments": [\n${lines(departments).join(',\n')}\n  ],\n  "members": [`,
  );
  let count = 0;
  await forEachMemberPage(org, async (members) => {
    if (members.length === 0) return;
    await file.write(`${count === 0 ? '\n' : ',\n'}${lines(members).join(',\n')}`);
    count += members.length;
  });
  await file.write(`${count === 0 ? '' : '\n  '}]\n}\n`);
  return count;
}
