import {
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_OTHER_APP_SECRET,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: directory APIs', () => {
  let sim: Simulator;
  let app: string;
  let sync: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    app = await tokenFor(sim);
    sync = await tokenFor(sim, DEMO_DIRECTORY_SYNC_SECRET);
  });

  it('user/get answers a member in the visible range, without sensitive fields', async () => {
    const answer = await callWecom(sim, 'user/get', { access_token: app, userid: 'zhangsan' });
    expect(answer).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      userid: 'zhangsan',
      name: '张三',
      department: [2],
      position: '销售经理',
      status: 1,
    });
    expect(answer.mobile).toBeUndefined();
  });

  it('user/get answers 60011 outside the visible range and 60111 for an unknown userid', async () => {
    const outside = await callWecom(sim, 'user/get', { access_token: app, userid: 'liuzong' });
    expect(outside.errcode).toBe(60011);
    expect(outside.errmsg).toMatch(
      /^no privilege to access\/modify contact\/party\/agent , hint: \[/,
    );
    expect((await callWecom(sim, 'user/get', { access_token: app, userid: 'ghost' })).errcode).toBe(
      60111,
    );
  });

  it('the other self-built app sees the whole corp', async () => {
    const other = await tokenFor(sim, DEMO_OTHER_APP_SECRET);
    expect(
      (await callWecom(sim, 'user/get', { access_token: other, userid: 'liuzong' })).name,
    ).toBe('刘总');
  });

  it('the 通讯录同步 secret gets 48009 on reads but user/list_id and department/simplelist work', async () => {
    expect(
      (await callWecom(sim, 'user/get', { access_token: sync, userid: 'zhangsan' })).errcode,
    ).toBe(48009);
    expect(
      (await callWecom(sim, 'user/list', { access_token: sync, department_id: '2' })).errcode,
    ).toBe(48009);
    expect((await callWecom(sim, 'department/list', { access_token: sync })).errcode).toBe(48009);
    const ids = await callWecom(sim, 'user/list_id', { access_token: sync }, { limit: 10 });
    expect(ids.errcode).toBe(0);
    expect(ids.dept_user).toHaveLength(10);
    expect(ids.dept_user[0]).toEqual({ userid: 'zhangsan', department: 2 });
    expect(ids.next_cursor).not.toBe('');
    const simple = await callWecom(sim, 'department/simplelist', { access_token: sync });
    expect(simple.department_id).toHaveLength(7);
    expect(
      (await callWecom(sim, 'externalcontact/get', { access_token: sync, external_userid: 'x' }))
        .errcode,
    ).toBe(48002);
  });

  it('user/list_id is for the 通讯录同步 secret only (48002)', async () => {
    expect((await callWecom(sim, 'user/list_id', { access_token: app }, {})).errcode).toBe(48002);
  });

  it('department/list and user/list follow the visible range', async () => {
    const departments = await callWecom(sim, 'department/list', { access_token: app });
    expect(departments.department.map((d: { name: string }) => d.name)).toEqual([
      '销售部',
      '华东销售组',
      '市场部',
      '客户成功部',
      '技术部',
    ]);
    const sales = await callWecom(sim, 'user/list', { access_token: app, department_id: '3' });
    expect(sales.userlist.map((u: { userid: string }) => u.userid)).toEqual(['wangwu', 'zhaoliu']);
    expect(
      (await callWecom(sim, 'user/list', { access_token: app, department_id: '7' })).errcode,
    ).toBe(60011);
  });

  it('answers HTTP 404 with errcode -1 for an API it does not simulate, and counts it', async () => {
    const response = await fetch(`${sim.url}/cgi-bin/message/send?access_token=${app}`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errcode: number }).errcode).toBe(-1);
    expect(sim.calls('message/send')).toBe(1);
  });

  it('answers 40058 for a POST API called with GET', async () => {
    expect((await callWecom(sim, 'user/list_id', { access_token: sync })).errcode).toBe(40058);
  });
});
