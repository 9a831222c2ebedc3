import type { SandboxInfoResponse } from '../../../miniprogram/typings/api';
import { type Simulator, startSimulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';

// GET /sandbox/info is how a develop build of the mini-program learns that it may offer its demo
// login: a server in sandbox mode answers it, any other server answers 404 like an unknown path.

let simulator: Simulator;
let sandbox: TestGateway;
let production: TestGateway;

beforeAll(async () => {
  simulator = await startSimulator();
  sandbox = await startTestGateway({ simulator });
  production = await startTestGateway({ simulator, sandbox: false });
});
afterAll(async () => {
  await sandbox.close();
  await production.close();
  await simulator.close();
});

describe('GET /sandbox/info', () => {
  it('should say sandbox and list the demo employees who can open the mini-program', async () => {
    const answer = await sandbox.request<SandboxInfoResponse>('GET', '/sandbox/info');
    expect(answer.status).toBe(200);
    expect(answer.body.sandbox).toBe(true);
    expect(answer.body.employees[0]).toEqual({
      userid: 'zhangsan',
      name: '张三',
      department: '销售部',
    });
    expect(answer.body.employees).toContainEqual({
      userid: 'wangwu',
      name: '王五',
      department: '华东销售组',
    });
    const ids = answer.body.employees.map((employee) => employee.userid);
    // The board office is outside the mini-program app's visible range: not offered.
    expect(ids).not.toContain('liuzong');
    expect(ids).not.toContain('qianmi');
    expect(ids).toHaveLength(13);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should offer only employees whose login works, without a token', async () => {
    const { body } = await sandbox.request<SandboxInfoResponse>('GET', '/sandbox/info');
    for (const { userid } of body.employees.slice(0, 3)) {
      const code = await sandbox.request<{ code: string }>('POST', '/sandbox/login-code', {
        body: { userid },
      });
      const login = await sandbox.request<{ user: { userid: string } }>('POST', '/api/sessions', {
        body: { code: code.body.code },
      });
      expect(login.status).toBe(201);
      expect(login.body.user.userid).toBe(userid);
    }
  });

  it('should follow the visible range of the scenario', async () => {
    const narrow = await startSimulator({ scenario: 'narrow-visible-range' });
    const gateway = await startTestGateway({ simulator: narrow });
    try {
      const { body } = await gateway.request<SandboxInfoResponse>('GET', '/sandbox/info');
      expect(body.employees).toEqual([{ userid: 'zhangsan', name: '张三', department: '销售部' }]);
    } finally {
      await gateway.close();
      await narrow.close();
    }
  });

  it('should answer 404 request.not_found on a server that is not in sandbox mode', async () => {
    const info = await production.request('GET', '/sandbox/info');
    expect(info.status).toBe(404);
    expect(errorBody(info.body).code).toBe('request.not_found');
    const code = await production.request('POST', '/sandbox/login-code', {
      body: { userid: 'zhangsan' },
    });
    expect(code.status).toBe(404);
    expect(errorBody(code.body).code).toBe('request.not_found');
  });
});
