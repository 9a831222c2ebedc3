import { departmentChanges, memberChange, stamped } from '../../../../server/src/org/diff';
import type { OrgDepartment, OrgMember, OrgSnapshot } from '../../../../server/src/org/model';

const AT = '2026-01-01T00:00:00.000Z';
const department = (id: number, parentid: number, name = `部门${id}`): OrgDepartment => ({
  id,
  name,
  parentid,
  order: 1000 - id,
});
const member = (userid: string, department: number[], name = userid): OrgMember => ({
  userid,
  name,
  department,
  mainDepartment: department[0],
  status: 1,
});
const snapshot = (departments: OrgDepartment[], members: OrgMember[]): OrgSnapshot => ({
  departments: new Map(departments.map((d) => [d.id, d])),
  members: new Map(members.map((m) => [m.userid, m])),
});

/**
 * The records a full sync writes between two snapshots, in feed order: department records first
 * and last, members by userid between them (the full sync reads them in that order from the
 * store).
 */
function diffSnapshots(previous: OrgSnapshot, next: OrgSnapshot, at: string) {
  const departments = departmentChanges(previous.departments, next.departments);
  const userids = [...new Set([...previous.members.keys(), ...next.members.keys()])].sort();
  const members = userids.flatMap(
    (id) => memberChange(id, previous.members.get(id), next.members.get(id)) ?? [],
  );
  return [...departments.first, ...members, ...departments.last].map((d) => stamped(d, at));
}

describe('the changes between two snapshots', () => {
  const base = snapshot(
    [department(1, 0), department(2, 1), department(3, 2)],
    [member('a', [2]), member('b', [3])],
  );

  it('writes nothing when nothing changed', () => {
    expect(diffSnapshots(base, structuredClone(base), AT)).toEqual([]);
  });

  it('a member moved is one member update with before/after department, and no department record', () => {
    const next = structuredClone(base);
    next.members.set('a', member('a', [3]));
    expect(diffSnapshots(base, next, AT)).toEqual([
      {
        kind: 'member',
        op: 'updated',
        id: 'a',
        at: AT,
        before: { department: [2], mainDepartment: 2 },
        after: { department: [3], mainDepartment: 3 },
      },
    ]);
  });

  it('a renamed department is one department update with before/after name', () => {
    const next = structuredClone(base);
    next.departments.set(2, department(2, 1, '新名字'));
    expect(diffSnapshots(base, next, AT)).toEqual([
      {
        kind: 'department',
        op: 'updated',
        id: 2,
        at: AT,
        before: { name: '部门2' },
        after: { name: '新名字' },
      },
    ]);
  });

  it('creates parents before children and deletes children before parents, members in between', () => {
    const grown = snapshot(
      [...base.departments.values(), department(9, 8), department(8, 3), department(7, 1)],
      [...base.members.values(), member('c', [9])],
    );
    expect(diffSnapshots(base, grown, AT).map((c) => [c.kind, c.op, c.id])).toEqual([
      ['department', 'created', 7],
      ['department', 'created', 8],
      ['department', 'created', 9],
      ['member', 'created', 'c'],
    ]);
    expect(diffSnapshots(grown, base, AT).map((c) => [c.kind, c.op, c.id])).toEqual([
      ['member', 'deleted', 'c'],
      ['department', 'deleted', 9],
      ['department', 'deleted', 8],
      ['department', 'deleted', 7],
    ]);
  });

  it('keeps the whole record in a tombstone and in a creation; a cleared field shows as null', () => {
    const next = structuredClone(base);
    next.members.delete('b');
    next.members.set('a', { ...member('a', [2]), position: '经理' });
    const changes = diffSnapshots(base, next, AT);
    expect(changes).toContainEqual({
      kind: 'member',
      op: 'deleted',
      id: 'b',
      at: AT,
      before: member('b', [3]),
    });
    expect(diffSnapshots(next, base, AT)).toContainEqual({
      kind: 'member',
      op: 'updated',
      id: 'a',
      at: AT,
      before: { position: '经理' },
      after: { position: null },
    });
  });

  it('treats a department above the visible range as a root', () => {
    const visible = snapshot([department(6, 5), department(5, 1)], []);
    expect(diffSnapshots(snapshot([], []), visible, AT).map((c) => c.id)).toEqual([5, 6]);
  });
});
