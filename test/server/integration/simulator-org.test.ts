import {
  BIG_CORP_FIRST_DEPARTMENT_ID,
  bigCorpUserid,
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_OTHER_APP_SECRET,
  type OrgChangeEvent,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: department/get and user/simplelist', () => {
  let sim: Simulator;
  let app: string;
  let sync: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    app = await tokenFor(sim);
    sync = await tokenFor(sim, DEMO_DIRECTORY_SYNC_SECRET);
  });

  it('department/get answers one visible department; 60011 outside, 60123 unknown, 48009 for 通讯录同步', async () => {
    expect(await callWecom(sim, 'department/get', { access_token: app, id: '3' })).toMatchObject({
      errcode: 0,
      department: { id: 3, name: '华东销售组', parentid: 2, department_leader: [] },
    });
    expect((await callWecom(sim, 'department/get', { access_token: app, id: '7' })).errcode).toBe(
      60011,
    );
    expect((await callWecom(sim, 'department/get', { access_token: app, id: '999' })).errcode).toBe(
      60123,
    );
    expect((await callWecom(sim, 'department/get', { access_token: sync, id: '3' })).errcode).toBe(
      48009,
    );
  });

  it('user/simplelist names the members of one department; user/list needs department_id', async () => {
    const answer = await callWecom(sim, 'user/simplelist', {
      access_token: app,
      department_id: '5',
    });
    expect(answer.userlist).toEqual([
      { userid: 'wujiu', name: '吴九', department: [5] },
      { userid: 'zhengshi', name: '郑十', department: [5] },
      { userid: 'huangli', name: '黄丽', department: [5, 2] },
    ]);
    expect((await callWecom(sim, 'user/list', { access_token: app })).errcode).toBe(40058);
    expect(
      (await callWecom(sim, 'user/simplelist', { access_token: sync, department_id: '5' })).errcode,
    ).toBe(48009);
  });
});

describe('simulator: the org changes as an admin changes it', () => {
  let sim: Simulator;
  const events: OrgChangeEvent[] = [];
  beforeAll(async () => {
    sim = await startTestSimulator({ onOrgChange: (event) => events.push(event) });
  });
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}/sandbox/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  const listOf = async (department: string) => {
    const token = await tokenFor(sim);
    const answer = await callWecom(sim, 'user/list', {
      access_token: token,
      department_id: department,
    });
    return answer.errcode === 0
      ? (answer.userlist as { userid: string }[]).map((u) => u.userid)
      : answer.errcode;
  };

  it('adds, moves, renames and deletes members and departments, and the APIs follow', async () => {
    const seen: OrgChangeEvent[] = [];
    const stop = sim.onOrgChange((event) => seen.push(event));
    const added = await control('POST', 'org/departments', { name: '华南销售组', parentid: 2 });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: number };
    expect(id).toBe(8);
    expect(
      (await control('POST', 'org/members', { userid: 'newbie', name: '新人', department: [id] }))
        .status,
    ).toBe(201);
    expect(await listOf(String(id))).toEqual(['newbie']);

    // A move is a change of departments; a rename is a change of name.
    expect((await control('PATCH', 'org/members/lisi', { department: [id] })).status).toBe(200);
    expect(await listOf('2')).not.toContain('lisi');
    expect(await listOf(String(id))).toEqual(['lisi', 'newbie']);
    expect((await control('PATCH', `org/departments/${id}`, { name: '华南大区' })).status).toBe(
      200,
    );
    const token = await tokenFor(sim);
    expect(
      (await callWecom(sim, 'department/get', { access_token: token, id: String(id) })).department
        .name,
    ).toBe('华南大区');

    // WeCom refuses to delete a department that still has members.
    expect((await control('DELETE', `org/departments/${id}`)).status).toBe(409);
    expect((await control('DELETE', 'org/members/newbie')).status).toBe(204);
    expect((await control('PATCH', 'org/members/lisi', { department: [2] })).status).toBe(200);
    expect((await control('DELETE', `org/departments/${id}`)).status).toBe(204);
    expect(await listOf(String(id))).toBe(60123);
    expect((await control('DELETE', 'org/members/ghost')).status).toBe(404);
    expect(
      (await control('POST', 'org/members', { userid: 'lisi', name: 'x', department: [2] })).status,
    ).toBe(409);

    stop();
    expect(seen.map((e) => e.changeType)).toEqual([
      'create_party',
      'create_user',
      'update_user',
      'update_party',
      'delete_user',
      'update_user',
      'delete_party',
    ]);
    expect(seen[2]).toMatchObject({ userId: 'lisi', department: [id], changed: ['department'] });
    expect(seen[3]).toMatchObject({ departmentId: id, name: '华南大区', changed: ['name'] });
    // The listener given at start saw the same.
    expect(events.slice(-seen.length)).toEqual(seen);
  });

  it('a member moved into the confidential department leaves the app’s visible range', async () => {
    const token = await tokenFor(sim);
    expect(
      (await callWecom(sim, 'user/get', { access_token: token, userid: 'xuming' })).errcode,
    ).toBe(0);
    sim.org.updateMember('xuming', { department: [7] });
    expect(
      (await callWecom(sim, 'user/get', { access_token: token, userid: 'xuming' })).errcode,
    ).toBe(60011);
    expect(sim.orgVisibleTo().members.map((m) => m.userid)).not.toContain('xuming');
    expect(sim.orgVisibleTo(DEMO_OTHER_APP_SECRET).members.map((m) => m.userid)).toContain(
      'xuming',
    );
    sim.org.updateMember('xuming', { department: [6] });
  });

  it('a changed userid answers under the new one only', async () => {
    sim.org.updateMember('yangfan', { newUserid: 'yangfan2' });
    const token = await tokenFor(sim);
    expect(
      (await callWecom(sim, 'user/get', { access_token: token, userid: 'yangfan' })).errcode,
    ).toBe(60111);
    expect(
      (await callWecom(sim, 'user/get', { access_token: token, userid: 'yangfan2' })).name,
    ).toBe('杨帆');
    expect(events.at(-1)).toMatchObject({
      changeType: 'update_user',
      userId: 'yangfan',
      newUserId: 'yangfan2',
    });
  });

  it('GET /sandbox/org answers what the configured directory secret sees', async () => {
    const response = await control('GET', 'org');
    const view = (await response.json()) as { departments: { id: number }[]; members: unknown[] };
    expect(view.departments.map((d) => d.id)).toEqual([2, 3, 4, 5, 6]);
    expect(view.members).toHaveLength(13);
  });
});

describe('simulator: the big-corp world', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'big-corp' });
  });

  it('holds at least 20,000 members in 1,000 more departments, the same on every start', async () => {
    const view = sim.orgVisibleTo();
    expect(view.members.length).toBeGreaterThanOrEqual(20_000);
    const generated = view.departments.filter((d) => d.id >= BIG_CORP_FIRST_DEPARTMENT_ID);
    expect(generated).toHaveLength(1000);
    const again = await startTestSimulator({ scenario: 'big-corp' });
    expect(again.orgVisibleTo()).toEqual(view);
    const someone = view.members.find((m) => m.userid === bigCorpUserid(12_345))!;
    expect(someone.name).toMatch(/^\p{Script=Han}{2,3}$/u);
    expect(view.departments.some((d) => (d.department_leader ?? []).length > 0)).toBe(true);
  });

  it('user/list_id pages at most 10,000 rows per call for the 通讯录同步 secret', async () => {
    const sync = await tokenFor(sim, DEMO_DIRECTORY_SYNC_SECRET);
    expect(
      (await callWecom(sim, 'user/list_id', { access_token: sync }, { limit: 10_001 })).errcode,
    ).toBe(40058);
    let cursor = '';
    let rows = 0;
    let calls = 0;
    do {
      const answer = await callWecom(sim, 'user/list_id', { access_token: sync }, { cursor });
      expect(answer.dept_user.length).toBeLessThanOrEqual(10_000);
      rows += answer.dept_user.length;
      cursor = answer.next_cursor;
      calls += 1;
    } while (cursor !== '' && calls < 10);
    const everyone = sim.orgVisibleTo(DEMO_DIRECTORY_SYNC_SECRET).members;
    expect(rows).toBe(everyone.reduce((sum, m) => sum + m.department.length, 0));
    expect(calls).toBe(Math.ceil(rows / 10_000));
  });
});
