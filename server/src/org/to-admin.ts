import { OrgError } from './errors';
import type { OrgDepartment, OrgMember } from './model';
import type { OrgStore } from './org-store';

/** What the admin read APIs answer, from the current snapshot in the store. */

export interface DepartmentNode extends OrgDepartment {
  /** Sub-departments, higher `order` first; absent for a leaf. */
  children?: DepartmentNode[];
}

/**
 * The department tree: the top level holds the departments whose parent is not in the snapshot
 * (the root, parent 0, or the top of the visible range); siblings in WeCom's order.
 * `departments` come sorted by (parent, order descending, id).
 */
export function departmentTree(departments: readonly OrgDepartment[]): DepartmentNode[] {
  const nodes = new Map<number, DepartmentNode>(departments.map((d) => [d.id, { ...d }] as const));
  const roots: DepartmentNode[] = [];
  // Sorted by parent, then order: children arrive in order.
  for (const department of departments) {
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

/** Members by userid, all or a department's direct members, a page at a time. */
export async function membersPage(
  orgStore: Pick<OrgStore, 'members'>,
  query: { departmentId?: number; cursor?: string; limit: number },
): Promise<MembersPage> {
  const slice = await orgStore.members({
    departmentId: query.departmentId,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit,
  });
  return {
    members: slice.members,
    nextCursor: slice.last === undefined ? null : encodeCursor(slice.last),
  };
}
