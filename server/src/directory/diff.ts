import {
  DEPARTMENT_FIELDS,
  MEMBER_FIELDS,
  type OrgChange,
  type OrgDepartment,
  type OrgMember,
  type OrgSnapshot,
} from './model';

/**
 * The differences between two snapshots as change records, in an order a follower can apply one
 * by one without dangling references: departments created (parents first), departments updated,
 * members created, updated and deleted (by userid), departments deleted (children first). A
 * member moved is one member `updated` (before/after `department`); a renamed department is one
 * department `updated` (`name`); nothing else is written for either.
 */
export function diffSnapshots(previous: OrgSnapshot, next: OrgSnapshot, at: string): OrgChange[] {
  const depthIn = (snapshot: OrgSnapshot) => {
    const memo = new Map<number, number>();
    const depth = (id: number, guard = 0): number => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      const parent = snapshot.departments.get(id)?.parentid;
      // A parent outside the snapshot (the visible range's top) counts as a root; the guard ends
      // a cycle, which WeCom never answers.
      const value =
        parent === undefined || !snapshot.departments.has(parent) || guard > 1000
          ? 0
          : depth(parent, guard + 1) + 1;
      memo.set(id, value);
      return value;
    };
    return depth;
  };
  const nextDepth = depthIn(next);
  const previousDepth = depthIn(previous);
  const byDepthThenId =
    (depth: (id: number) => number, deepestFirst: boolean) => (a: number, b: number) =>
      (deepestFirst ? depth(b) - depth(a) : depth(a) - depth(b)) || a - b;

  const departments = departmentChanges(previous.departments, next.departments, at);
  const members = changesOf('member', previous.members, next.members, MEMBER_FIELDS, at);
  const createdOrUpdated = (op: 'created' | 'updated') =>
    departments
      .filter((change) => change.op === op)
      .sort((a, b) => byDepthThenId(nextDepth, false)(a.id as number, b.id as number));
  return [
    ...createdOrUpdated('created'),
    ...createdOrUpdated('updated'),
    ...members.sort((a, b) =>
      String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0,
    ),
    ...departments
      .filter((change) => change.op === 'deleted')
      .sort((a, b) => byDepthThenId(previousDepth, true)(a.id as number, b.id as number)),
  ];
}

function departmentChanges(
  previous: ReadonlyMap<number, OrgDepartment>,
  next: ReadonlyMap<number, OrgDepartment>,
  at: string,
): OrgChange[] {
  return changesOf('department', previous, next, DEPARTMENT_FIELDS, at);
}

/** Created, updated and deleted records between two maps of records keyed by id. */
export function changesOf<K extends number | string, R extends OrgDepartment | OrgMember>(
  kind: OrgChange['kind'],
  previous: ReadonlyMap<K, R>,
  next: ReadonlyMap<K, R>,
  fields: readonly string[],
  at: string,
): OrgChange[] {
  const changes: OrgChange[] = [];
  for (const [id, after] of next) {
    const before = previous.get(id);
    if (!before) {
      changes.push({ kind, op: 'created', id, at, after: { ...after } });
      continue;
    }
    // Field values are strings, numbers and arrays of them: equal when their JSON is.
    const changed = fields.filter(
      (field) =>
        JSON.stringify((before as Record<string, unknown>)[field]) !==
        JSON.stringify((after as Record<string, unknown>)[field]),
    );
    if (changed.length === 0) continue;
    changes.push({
      kind,
      op: 'updated',
      id,
      at,
      before: pick(before, changed),
      after: pick(after, changed),
    });
  }
  for (const [id, before] of previous) {
    if (!next.has(id)) changes.push({ kind, op: 'deleted', id, at, before: { ...before } });
  }
  return changes;
}

/** The named fields; one that is not set is null (so a cleared field shows as one). */
function pick(record: object, fields: readonly string[]): Record<string, unknown> {
  const values = record as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, values[field] ?? null]));
}
