import { OrgError } from '../../../../server/src/org/errors';
import type { OrgDepartment, OrgMember } from '../../../../server/src/org/model';
import { createOrgStore, type OrgStore } from '../../../../server/src/org/org-store';
import { departmentTree, membersPage } from '../../../../server/src/org/to-admin';
import { createMemoryStore } from '../../../../server/src/stores/memory-store';

const sorted = (departments: OrgDepartment[]) =>
  [...departments].sort((a, b) => a.parentid - b.parentid || b.order - a.order || a.id - b.id);

/** An org store whose current snapshot holds `members`. */
async function snapshotOf(members: OrgMember[]): Promise<OrgStore> {
  const org = createOrgStore(createMemoryStore());
  const generation = await org.createGeneration();
  await org.addMembers(generation, members);
  await org.switchTo(generation);
  return org;
}

describe('the admin read APIs over a snapshot', () => {
  it('builds the tree: the root (parent 0) on top, siblings by higher order first', () => {
    const tree = departmentTree(
      sorted([
        { id: 1, name: '总部', parentid: 0, order: 100 },
        { id: 2, name: '乙', parentid: 1, order: 10 },
        { id: 3, name: '甲', parentid: 1, order: 20 },
        { id: 4, name: '丙', parentid: 3, order: 1 },
      ]),
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

  it('pages members by userid with a cursor, all or one department’s', async () => {
    const members = Array.from({ length: 25 }, (_, i) => ({
      userid: `u${String(i).padStart(2, '0')}`,
      department: [i % 2 === 0 ? 1 : 2],
    }));
    const org = await snapshotOf([...members].reverse());
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await membersPage(org, { cursor, limit: 10 });
      seen.push(...answer.members.map((m) => m.userid));
      if (answer.nextCursor === null) break;
      cursor = answer.nextCursor;
    }
    expect(seen).toEqual(members.map((m) => m.userid));
    const evens = await membersPage(org, { departmentId: 1, limit: 100 });
    expect(evens.members).toHaveLength(13);
    expect(evens.nextCursor).toBeNull();
    expect(await membersPage(org, { departmentId: 99, limit: 10 })).toEqual({
      members: [],
      nextCursor: null,
    });
  });

  it('refuses a cursor it did not hand out', async () => {
    const org = await snapshotOf([{ userid: 'a', department: [1] }]);
    for (const cursor of ['nope', Buffer.from('x:a').toString('base64url'), 'bTo']) {
      await expect(membersPage(org, { cursor, limit: 10 })).rejects.toThrow(OrgError);
    }
  });
});
