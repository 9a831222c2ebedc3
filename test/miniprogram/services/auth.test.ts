import { createServices } from '../../../miniprogram/services/index';
import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, type FakeWx } from '../helpers/fake-wx';

const BASE_URL = 'http://gate.test';

function setup(fake: FakeWx = createFakeWx()) {
  return { fake, services: createServices({ wx: fake.wx, baseUrl: BASE_URL }) };
}

function sessionPosts(fake: FakeWx): number {
  return fake.wx.request.mock.calls.filter(
    ([o]) => o.method === 'POST' && o.url === `${BASE_URL}/api/sessions`,
  ).length;
}

describe('services/auth', () => {
  it('should log in with wx.qy.login and POST /api/sessions, storing only the token', async () => {
    const { fake, services } = setup();
    await services.auth.ensureSession();
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
    expect(sessionPosts(fake)).toBe(1);
    expect([...fake.storage.values()]).toEqual(['token-1']);
    expect(fake.storage.size).toBe(1);
  });

  it('should use only the wx it was given, with a timeout on wx.qy.login', async () => {
    const globalWx = (globalThis as unknown as { wx: FakeWx['wx'] }).wx;
    const { fake, services } = setup();
    await services.api.me();
    expect(fake.qy.login.mock.calls[0]![0].timeout).toBeGreaterThan(0);
    expect(globalWx).not.toBe(fake.wx);
    expect(globalWx.request).not.toHaveBeenCalled();
    expect(globalWx.getStorageSync).not.toHaveBeenCalled();
  });

  it('should keep a stored token while wx.qy.checkSession succeeds', async () => {
    const { fake, services } = setup();
    await services.auth.ensureSession();
    await services.auth.ensureSession();
    expect(fake.qy.checkSession).toHaveBeenCalledTimes(1);
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
  });

  it('should log in again when wx.qy.checkSession fails', async () => {
    const { fake, services } = setup();
    await services.auth.ensureSession();
    fake.context.sessionValid = false;
    await services.auth.ensureSession();
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
    expect(fake.wx.getStorageSync('wecom-gate.token')).toBe('token-2');
  });

  it('should share one login between concurrent callers', async () => {
    const { fake, services } = setup();
    const answers = await Promise.all([
      services.api.me(),
      services.api.listContacts(),
      services.api.getContact('wm-li'),
      services.auth.ensureSession(),
    ]);
    expect(answers[0].user.userid).toBe('zhangsan');
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
    expect(sessionPosts(fake)).toBe(1);
  });

  it('should re-login exactly once after auth.session_expired and retry successfully', async () => {
    const { fake, services } = setup();
    await services.api.me();
    fake.server.expireSessions();
    const answer = await services.api.me();
    expect(answer.user.name).toBe('张三');
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
    expect(sessionPosts(fake)).toBe(1 + 1);
    const meCalls = fake.wx.request.mock.calls.filter(([o]) => o.url.endsWith('/api/me'));
    expect(meCalls.map(([o]) => o.header.Authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('should re-login once after auth.unauthenticated too', async () => {
    const { fake, services } = setup();
    await services.auth.ensureSession();
    fake.server.failNext('GET /api/me', errorAnswer(401, 'auth.unauthenticated'));
    await expect(services.api.me()).resolves.toMatchObject({ user: { userid: 'zhangsan' } });
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
  });

  it('should retry only once: a second expiry reaches the caller', async () => {
    const { fake, services } = setup();
    await services.auth.ensureSession();
    fake.server.failNext('GET /api/me', errorAnswer(401, 'auth.session_expired'));
    fake.server.failNext('GET /api/me', errorAnswer(401, 'auth.session_expired'));
    await expect(services.api.me()).rejects.toMatchObject({ code: 'auth.session_expired' });
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
  });

  it('should share one re-login when concurrent calls meet an expired session', async () => {
    const { fake, services } = setup();
    await services.auth.ensureSession();
    fake.server.expireSessions();
    const answers = await Promise.all([
      services.api.me(),
      services.api.getContact('wm-li'),
      services.api.getGroupChat('wr-group'),
    ]);
    expect(answers[1].externalContact.name).toBe('李四');
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
    expect(sessionPosts(fake)).toBe(2);
  });

  it('should not retry other errors', async () => {
    const { fake, services } = setup();
    await expect(services.api.getContact('wm-other')).rejects.toMatchObject({
      code: 'contact.not_followed',
      status: 403,
    });
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
    expect(fake.wx.request.mock.calls.filter(([o]) => o.url.includes('/wm-other')).length).toBe(1);
  });

  it('should get a fresh code once when the server answers auth.invalid_code, never loop', async () => {
    const { fake, services } = setup();
    fake.server.failNext('POST /api/sessions', errorAnswer(401, 'auth.invalid_code'));
    await services.auth.ensureSession();
    expect(fake.qy.login).toHaveBeenCalledTimes(2);

    const second = setup();
    second.fake.server.failNext('POST /api/sessions', errorAnswer(401, 'auth.invalid_code'));
    second.fake.server.failNext('POST /api/sessions', errorAnswer(401, 'auth.invalid_code'));
    await expect(second.services.auth.ensureSession()).rejects.toMatchObject({
      code: 'auth.invalid_code',
    });
    expect(second.fake.qy.login).toHaveBeenCalledTimes(2);
  });

  it('should let the next caller try again after a failed login', async () => {
    const { fake, services } = setup();
    fake.server.failNext('POST /api/sessions', { networkError: 'request:fail timeout' });
    await expect(services.auth.ensureSession()).rejects.toMatchObject({ code: 'network.failed' });
    await services.auth.ensureSession();
    expect(fake.storage.size).toBe(1);
  });

  it('should refuse outside WeCom without calling wx.qy or the server', async () => {
    const { fake, services } = setup(createFakeWx({ environment: undefined }));
    await expect(services.api.me()).rejects.toMatchObject({ code: 'env.not_wxwork' });
    expect(fake.wx.request).not.toHaveBeenCalled();
  });
});

describe('services/api', () => {
  it('should send a large selection to lookup in batches of 100 and merge the answers', async () => {
    const { fake, services } = setup();
    const ids = [...Array.from({ length: 149 }, (_, i) => `wm-x${i}`), 'wm-li'];
    const answer = await services.api.lookupContacts(ids);
    const bodies = fake.wx.request.mock.calls
      .filter(([o]) => o.url.endsWith('/api/external-contacts/lookup'))
      .map(([o]) => (o.data as { externalUserIds: string[] }).externalUserIds.length);
    expect(bodies).toEqual([100, 50]);
    expect(answer.contacts.map((c) => c.externalContact.externalUserId)).toEqual(['wm-li']);
    expect(answer.notFound).toHaveLength(149);
  });
});
