import {
  DEPARTMENT_FIELDS,
  MEMBER_FIELDS,
  type OrgChange,
  type OrgChangeDraft,
  type OrgDepartment,
  type OrgMember,
} from './model';

/**
 * The differences between two versions of the org as change records, in an order a follower can
 * apply one by one without dangling references: departments created (parents first), departments
 * updated, members created, updated and deleted (by userid), departments deleted (children
 * first). A member moved is one member `updated` (before/after `department`); a renamed
 * department is one department `updated` (`name`); nothing else is written for either. Members
 * are compared one at a time (a full sync streams them); departments as a whole.
 */

/** The record stamped with the time it is appended to the feed. */
export function stamped(draft: OrgChangeDraft, at: string): OrgChange {
  const { kind, op, id, ...rest } = draft;
  return { kind, op, id, at, ...rest };
}

/** The change from `before` to `after` of one record (either may be absent), if any. */
function recordChange(
  kind: OrgChange['kind'],
  id: number | string,
  before: object | undefined,
  after: object | undefined,
  fields: readonly string[],
): OrgChangeDraft | undefined {
  if (!before && !after) return undefined;
  if (!before) return { kind, op: 'created', id, after: { ...after } };
  if (!after) return { kind, op: 'deleted', id, before: { ...before } };
  // Field values are strings, numbers and arrays of them: equal when their JSON is.
  const changed = fields.filter(
    (field) =>
      JSON.stringify((before as Record<string, unknown>)[field]) !==
      JSON.stringify((after as Record<string, unknown>)[field]),
  );
  if (changed.length === 0) return undefined;
  return {
    kind,
    op: 'updated',
    id,
    before: pick(before, changed),
    after: pick(after, changed),
  };
}

export const memberChange = (
  userid: string,
  before: OrgMember | undefined,
  after: OrgMember | undefined,
): OrgChangeDraft | undefined => recordChange('member', userid, before, after, MEMBER_FIELDS);

/** Created, updated and deleted records between two maps of records keyed by id. */
export function changesOf<K extends number | string, R extends OrgDepartment | OrgMember>(
  kind: OrgChange['kind'],
  previous: ReadonlyMap<K, R>,
  next: ReadonlyMap<K, R>,
  fields: readonly string[],
): OrgChangeDraft[] {
  const changes: OrgChangeDraft[] = [];
  for (const id of new Set([...next.keys(), ...previous.keys()])) {
    const change = recordChange(kind, id, previous.get(id), next.get(id), fields);
    if (change) changes.push(change);
  }
  return changes;
}

/**
 * The department changes: `first` (created, parents first; then updated) go before the members'
 * records, `last` (deleted, children first) after them.
 */
export function departmentChanges(
  previous: ReadonlyMap<number, OrgDepartment>,
  next: ReadonlyMap<number, OrgDepartment>,
): { first: OrgChangeDraft[]; last: OrgChangeDraft[] } {
  const nextDepth = depthIn(next);
  const previousDepth = depthIn(previous);
  const byDepthThenId =
    (depth: (id: number) => number, deepestFirst: boolean) =>
    (a: OrgChangeDraft, b: OrgChangeDraft) => {
      const [x, y] = [a.id as number, b.id as number];
      return (deepestFirst ? depth(y) - depth(x) : depth(x) - depth(y)) || x - y;
    };
  const changes = changesOf('department', previous, next, DEPARTMENT_FIELDS);
  const withOp = (op: OrgChange['op']) => changes.filter((change) => change.op === op);
  return {
    first: [
      ...withOp('created').sort(byDepthThenId(nextDepth, false)),
      ...withOp('updated').sort(byDepthThenId(nextDepth, false)),
    ],
    last: withOp('deleted').sort(byDepthThenId(previousDepth, true)),
  };
}

/** A department's depth below the top of `departments`. */
function depthIn(departments: ReadonlyMap<number, OrgDepartment>): (id: number) => number {
  const memo = new Map<number, number>();
  const depth = (id: number, guard = 0): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const parent = departments.get(id)?.parentid;
    // A parent outside the snapshot (the visible range's top) counts as a root; the guard ends a
    // cycle, which WeCom never answers.
    const value =
      parent === undefined || !departments.has(parent) || guard > 1000
        ? 0
        : depth(parent, guard + 1) + 1;
    memo.set(id, value);
    return value;
  };
  return depth;
}

/** The named fields; one that is not set is null (so a cleared field shows as one). */
function pick(record: object, fields: readonly string[]): Record<string, unknown> {
  const values = record as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, values[field] ?? null]));
}
