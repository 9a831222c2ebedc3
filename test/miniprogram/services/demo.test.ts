import { config } from '../../../miniprogram/services/config';
import { createServices } from '../../../miniprogram/services/index';
import { createFakeWx, type FakeWx, requestedPaths } from '../helpers/fake-wx';
import { mockSandboxData } from '../helpers/fixtures';

const BASE_URL = 'http://gate.test';

function setup(fake: FakeWx) {
  return createServices({ wx: fake.wx, baseUrl: BASE_URL });
}

describe('services/demo and the demo login', () => {
  it('should list the employees in a develop build against a sandbox server', async () => {
    const fake = createFakeWx({ data: mockSandboxData() });
    await expect(setup(fake).demo.employees()).resolves.toEqual([
      { userid: 'zhangsan', name: '张三', department: '销售部' },
      { userid: 'lisi', name: '李四', department: '销售部' },
      { userid: 'wangwu', name: '王五' },
    ]);
    const [info] = fake.wx.request.mock.calls[0]!;
    expect(info.url).toBe(`${BASE_URL}/sandbox/info`);
    expect(info.header.Authorization).toBeUndefined();
  });

  it.each(['trial', 'release'] as const)(
    'should offer nothing and ask no server in a %s build',
    async (envVersion) => {
      const fake = createFakeWx({ data: mockSandboxData(), envVersion });
      const services = setup(fake);
      expect(services.demo.allowed()).toBe(false);
      await expect(services.demo.employees()).resolves.toBeUndefined();
      await expect(services.demo.loginCode('zhangsan')).rejects.toMatchObject({
        code: 'demo.unavailable',
      });
      await expect(services.auth.loginAsDemo('zhangsan')).rejects.toMatchObject({
        code: 'demo.unavailable',
      });
      expect(fake.wx.request).not.toHaveBeenCalled();
      expect(fake.storage.size).toBe(0);
    },
  );

  it('should offer nothing when the server is not in sandbox mode (404)', async () => {
    const fake = createFakeWx();
    const services = setup(fake);
    await expect(services.demo.employees()).resolves.toBeUndefined();
    await expect(services.auth.loginAsDemo('zhangsan')).rejects.toMatchObject({
      code: 'demo.unavailable',
    });
    expect(requestedPaths(fake)).toEqual(['GET /sandbox/info', 'GET /sandbox/info']);
  });

  it.each([
    ['sandbox: false', { sandbox: false, employees: [] }],
    ['no employees', { sandbox: true }],
    ['a string', 'sandbox'],
  ])('should offer nothing for an answer with %s', async (_, data) => {
    const fake = createFakeWx({ data: mockSandboxData() });
    fake.server.failNext('GET /sandbox/info', { statusCode: 200, data });
    await expect(setup(fake).demo.employees()).resolves.toBeUndefined();
  });

  it('should drop malformed employees from the answer', async () => {
    const fake = createFakeWx({ data: mockSandboxData() });
    fake.server.failNext('GET /sandbox/info', {
      statusCode: 200,
      data: {
        sandbox: true,
        employees: [{ userid: 'lisi', name: '李四', department: 7 }, { name: '无账号' }, null],
      },
    });
    await expect(setup(fake).demo.employees()).resolves.toEqual([{ userid: 'lisi', name: '李四' }]);
  });

  it('should refuse to log in as someone the sandbox does not offer', async () => {
    const fake = createFakeWx({ data: mockSandboxData() });
    await expect(setup(fake).auth.loginAsDemo('liuzong')).rejects.toMatchObject({
      code: 'demo.unavailable',
    });
    expect(requestedPaths(fake)).toEqual(['GET /sandbox/info']);
  });

  it('should ignore a stored demo employee in a release build and use wx.qy.login', async () => {
    const fake = createFakeWx({ data: mockSandboxData(), envVersion: 'release' });
    fake.storage.set('wecom-gate.demo-user', 'lisi');
    const services = setup(fake);
    expect(services.auth.demoUser()).toBeUndefined();
    await services.api.me();
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
    expect(requestedPaths(fake)).toEqual(['POST /api/sessions', 'GET /api/me']);
    expect(fake.storage.has('wecom-gate.demo-user')).toBe(false);
  });

  it('should leave the demo path for good when the server left sandbox mode', async () => {
    const data = mockSandboxData();
    const fake = createFakeWx({ data });
    const services = setup(fake);
    await services.auth.loginAsDemo('lisi');
    expect(services.auth.demoUser()).toBe('lisi');
    data.sandboxEmployees = undefined;
    fake.server.expireSessions();
    const me = await services.api.me();
    expect(me.user.userid).toBe('zhangsan');
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
    expect(services.auth.demoUser()).toBeUndefined();
  });
});

describe('services/auth logout', () => {
  it('should end the session on the server, then forget the token', async () => {
    const fake = createFakeWx();
    const services = setup(fake);
    await services.auth.ensureSession();
    const token = fake.storage.get('wecom-gate.token')!;
    await services.auth.logout();
    const [logout] = fake.wx.request.mock.calls.at(-1)!;
    expect(logout).toMatchObject({
      method: 'DELETE',
      url: `${BASE_URL}/api/sessions/current`,
      header: { Authorization: `Bearer ${token}` },
    });
    expect(fake.server.isLive(token)).toBe(false);
    expect(services.auth.hasSession()).toBe(false);
  });

  it('should call nothing without a session', async () => {
    const fake = createFakeWx();
    await setup(fake).auth.logout();
    expect(fake.wx.request).not.toHaveBeenCalled();
    expect(fake.qy.login).not.toHaveBeenCalled();
  });

  it('should keep the token when the server cannot be reached', async () => {
    const fake = createFakeWx();
    const services = setup(fake);
    await services.auth.ensureSession();
    fake.server.failNext('DELETE /api/sessions/current', { networkError: 'request:fail' });
    await expect(services.auth.logout()).rejects.toMatchObject({ code: 'network.failed' });
    expect(services.auth.hasSession()).toBe(true);
  });
});

describe('server origin per build', () => {
  it.each(['develop', 'trial', 'release'] as const)(
    'should talk to config.origins.%s',
    async (envVersion) => {
      const fake = createFakeWx({ envVersion });
      await createServices({ wx: fake.wx }).api.me();
      const origins = fake.wx.request.mock.calls.map(([o]) => new URL(o.url).origin);
      expect(new Set(origins)).toEqual(new Set([config.origins[envVersion]]));
    },
  );

  it('should use an https origin for trial and release builds', () => {
    expect(config.origins.trial).toMatch(/^https:\/\//);
    expect(config.origins.release).toMatch(/^https:\/\//);
  });
});
