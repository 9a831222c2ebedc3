import { OrgError } from './errors';
import type { OrgDepartment, OrgMember } from './model';
import type { OrgView } from './org-store';

/** What the admin read APIs answer, from the current snapshot. */

export interface DepartmentNode extends OrgDepartment {
  /** Sub-departments, higher `order` first; absent for a leaf. */
  children?: DepartmentNode[];
}

/**
 * The department tree: the top level holds the departments whose parent is not in the snapshot
 * (the root, parent 0, or the top of the visible range); siblings in WeCom's order.
 */
export function departmentTree(view: OrgView): DepartmentNode[] {
  const nodes = new Map<number, DepartmentNode>(
    view.departments.map((d) => [d.id, { ...d }] as const),
  );
  const roots: DepartmentNode[] = [];
  // view.departments is sorted by (parent, order descending, id): children arrive in order.
  for (const department of view.departments) {
    const node = nodes.get(department.id)!;
    const parent =
      department.parentid === department.id ? undefined : nodes.get(department.parentid);
    if (!parent) roots.push(node);
    else if (parent.children) parent.children.push(node);
    else parent.children = [node];
  }
  return roots.sort((a, b) => b.order - a.order || a.id - b.id);
}

export interface MembersPage {
  members: OrgMember[];
  /** Null on the last page. */
  nextCursor: string | null;
}

const encodeCursor = (userid: string) => Buffer.from(`m:${userid}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString();
  if (!raw.startsWith('m:') || raw.length < 3 || encodeCursor(raw.slice(2)) !== cursor)
    throw new OrgError('invalid_cursor');
  return raw.slice(2);
}

/** The first index whose userid is above `after` (members are sorted by userid). */
function firstAfter(members: readonly OrgMember[], after: string): number {
  let low = 0;
  let high = members.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (members[middle]!.userid <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Members by userid, all or a department's direct members, a page at a time. */
export function membersPage(
  view: OrgView,
  query: { departmentId?: number; cursor?: string; limit: number },
): MembersPage {
  const list =
    query.departmentId === undefined
      ? view.members
      : (view.membersByDepartment.get(query.departmentId) ?? []);
  const start = query.cursor ? firstAfter(list, decodeCursor(query.cursor)) : 0;
  const members = list.slice(start, start + query.limit);
  const last = members.at(-1);
  return {
    members,
    nextCursor: last && start + members.length < list.length ? encodeCursor(last.userid) : null,
  };
}
