import { OrgError } from '../../../../server/src/directory/errors';
import type { OrgDepartment, OrgMember } from '../../../../server/src/directory/model';
import type { OrgView } from '../../../../server/src/directory/org-store';
import { departmentTree, membersPage } from '../../../../server/src/directory/reads';

function view(departments: OrgDepartment[], members: OrgMember[]): OrgView {
  const sortedMembers = [...members].sort((a, b) => (a.userid < b.userid ? -1 : 1));
  const byDepartment = new Map<number, OrgMember[]>();
  for (const m of sortedMembers)
    for (const id of m.department) byDepartment.set(id, [...(byDepartment.get(id) ?? []), m]);
  return {
    generation: 'g',
    version: 'v',
    departments: [...departments].sort(
      (a, b) => a.parentid - b.parentid || b.order - a.order || a.id - b.id,
    ),
    departmentById: new Map(departments.map((d) => [d.id, d])),
    members: sortedMembers,
    membersByDepartment: byDepartment,
  };
}

describe('the admin read APIs over a snapshot', () => {
  it('builds the tree: the root (parent 0) on top, siblings by higher order first', () => {
    const tree = departmentTree(
      view(
        [
          { id: 1, name: '总部', parentid: 0, order: 100 },
          { id: 2, name: '乙', parentid: 1, order: 10 },
          { id: 3, name: '甲', parentid: 1, order: 20 },
          { id: 4, name: '丙', parentid: 3, order: 1 },
        ],
        [],
      ),
    );
    expect(tree).toEqual([
      {
        id: 1,
        name: '总部',
        parentid: 0,
        order: 100,
        children: [
          {
            id: 3,
            name: '甲',
            parentid: 1,
            order: 20,
            children: [{ id: 4, name: '丙', parentid: 3, order: 1 }],
          },
          { id: 2, name: '乙', parentid: 1, order: 10 },
        ],
      },
    ]);
  });

  it('pages members by userid with a cursor, all or one department’s', () => {
    const members = Array.from({ length: 25 }, (_, i) => ({
      userid: `u${String(i).padStart(2, '0')}`,
      department: [i % 2 === 0 ? 1 : 2],
    }));
    const org = view([], members);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = membersPage(org, { cursor, limit: 10 });
      seen.push(...answer.members.map((m) => m.userid));
      if (answer.nextCursor === null) break;
      cursor = answer.nextCursor;
    }
    expect(seen).toEqual(members.map((m) => m.userid));
    const evens = membersPage(org, { departmentId: 1, limit: 100 });
    expect(evens.members).toHaveLength(13);
    expect(evens.nextCursor).toBeNull();
    expect(membersPage(org, { departmentId: 99, limit: 10 })).toEqual({
      members: [],
      nextCursor: null,
    });
  });

  it('refuses a cursor it did not hand out', () => {
    const org = view([], [{ userid: 'a', department: [1] }]);
    for (const cursor of ['nope', Buffer.from('x:a').toString('base64url'), 'bTo']) {
      expect(() => membersPage(org, { cursor, limit: 10 })).toThrow(OrgError);
    }
  });
});
