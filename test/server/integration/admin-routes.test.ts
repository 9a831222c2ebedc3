import { customerId, groupChatId, type Simulator } from '../../../server/src/sandbox/index';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

describe('admin routes', () => {
  let sim: Simulator;
  let gateway: TestGateway;
  beforeAll(async () => {
    sim = await startTestSimulator();
    gateway = await startTestGateway({
      simulator: sim,
      env: { ADMIN_USERIDS: 'lisi, wujiu', ADMIN_TOKEN },
    });
  });
  afterAll(() => gateway.close());

  const diagnostics = (token?: string) =>
    gateway.request('GET', '/api/admin/diagnostics', { token });

  it('lets an employee in ADMIN_USERIDS in', async () => {
    const answer = await diagnostics(await gateway.login('lisi'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, corpId: sim.corpId });
  });

  it('answers auth.forbidden to another employee', async () => {
    const answer = await diagnostics(await gateway.login('zhangsan'));
    expect(answer.status).toBe(403);
    expect(errorBody(answer.body).code).toBe('auth.forbidden');
  });

  it('lets the admin token in and answers auth.forbidden to a wrong one', async () => {
    expect((await diagnostics(ADMIN_TOKEN)).status).toBe(200);
    const wrong = await diagnostics(`${ADMIN_TOKEN}x`);
    expect(wrong.status).toBe(403);
    expect(errorBody(wrong.body).code).toBe('auth.forbidden');
  });

  it('answers auth.unauthenticated without credentials', async () => {
    const answer = await diagnostics();
    expect(answer.status).toBe(401);
    expect(errorBody(answer.body).code).toBe('auth.unauthenticated');
  });

  it('answers auth.session_expired to an admin whose session has ended', async () => {
    const token = await gateway.login('wujiu');
    expect((await gateway.request('DELETE', '/api/sessions/current', { token })).status).toBe(204);
    const answer = await diagnostics(token);
    expect(answer.status).toBe(401);
    expect(errorBody(answer.body).code).toBe('auth.session_expired');
  });

  it('keeps secrets out of the diagnostics JSON', async () => {
    const answer = await diagnostics(ADMIN_TOKEN);
    for (const secret of [...Object.values(sim.wecomConfig().secrets), ADMIN_TOKEN]) {
      expect(answer.text).not.toContain(secret);
    }
    expect(answer.text).toContain('"id":"trusted-ip"');
  });

  it('maps ids to names, from WeCom first and from the store next', async () => {
    const ids = [
      { type: 'user', id: 'zhangsan' },
      { type: 'external', id: customerId(2) },
      { type: 'groupchat', id: groupChatId(4) },
      { type: 'external', id: 'wmYsDemoCustUnknown' },
    ];
    const first = await gateway.request<Record<string, unknown>>('POST', '/api/admin/names', {
      token: ADMIN_TOKEN,
      body: { ids },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      names: [
        { type: 'user', id: 'zhangsan', name: '张三', source: 'wecom' },
        { type: 'external', id: customerId(2), name: '林美玲', source: 'wecom' },
        { type: 'groupchat', id: groupChatId(4), name: 'VIP客户服务群', source: 'wecom' },
      ],
      unresolved: [
        {
          type: 'external',
          id: 'wmYsDemoCustUnknown',
          reason: 'not_found',
          errcode: 40096,
          source: 'wecom',
        },
      ],
    });
    sim.resetCalls();
    const second = await gateway.request<{ names: { source: string }[] }>(
      'POST',
      '/api/admin/names',
      { token: ADMIN_TOKEN, body: { ids } },
    );
    expect(second.body.names.map((n) => n.source)).toEqual(['cache', 'cache', 'cache']);
    expect(sim.calls()).toBe(0);
    const refreshed = await gateway.request('POST', '/api/admin/names', {
      token: ADMIN_TOKEN,
      body: { ids: ids.slice(0, 1), refresh: true },
    });
    expect(refreshed.status).toBe(200);
    expect(sim.calls('user/get')).toBe(1);
  });

  it('bounds and validates the id list', async () => {
    const tooMany = Array.from({ length: 201 }, (_, i) => ({ type: 'user', id: `u${i}` }));
    for (const body of [{ ids: [] }, { ids: tooMany }, { ids: [{ type: 'robot', id: 'x' }] }]) {
      const answer = await gateway.request('POST', '/api/admin/names', {
        token: ADMIN_TOKEN,
        body,
      });
      expect(answer.status).toBe(400);
      expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    }
    const employee = await gateway.request('POST', '/api/admin/names', {
      token: await gateway.login('zhangsan'),
      body: { ids: [{ type: 'user', id: 'lisi' }] },
    });
    expect(errorBody(employee.body).code).toBe('auth.forbidden');
  });
});
