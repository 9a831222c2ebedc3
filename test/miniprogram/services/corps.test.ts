import { createServices } from '../../../miniprogram/services/index';
import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, type FakeWx, requestedPaths } from '../helpers/fake-wx';
import { mockSandboxData, mockServerData } from '../helpers/fixtures';

const BASE_URL = 'http://gate.test';
const CORP_KEY = 'wecom-gate.corp';

/** A deployment serving corps A (at the root) and B; the employee belongs to `employeeCorp`. */
function severalCorps(employeeCorp = 'wwbbb', data = mockServerData()): FakeWx {
  return createFakeWx({ data: { ...data, corps: { served: ['wwaaa', 'wwbbb'], employeeCorp } } });
}

const start = (fake: FakeWx) => createServices({ wx: fake.wx, baseUrl: BASE_URL });

const sessionPosts = (fake: FakeWx) =>
  requestedPaths(fake).filter((line) => line.startsWith('POST') && line.endsWith('/api/sessions'));

describe('services: a deployment of several corps', () => {
  it("should log in again at the employee's corp on auth.corp_switch and stay there", async () => {
    const fake = severalCorps();
    fake.context.entry = 'single_chat_tools';
    const services = start(fake);
    const me = await services.api.me();
    expect(me.user.userid).toBe('zhangsan');
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
    expect(requestedPaths(fake)).toEqual([
      'POST /api/sessions',
      'POST /corps/wwbbb/api/sessions',
      'GET /corps/wwbbb/api/me',
    ]);
    // The sidebar context goes with the code that logs in, too.
    const lastPost = fake.wx.request.mock.calls[1]![0];
    expect(lastPost.data).toMatchObject({ context: { externalUserId: 'wm-li' } });
    expect(fake.storage.get(CORP_KEY)).toBe('wwbbb');
    await services.api.getContact('wm-li');
    expect(requestedPaths(fake)).toHaveLength(3); // answered by what the login brought

    // A restart (same device storage): the stored session, still under the corp.
    const again = start(fake);
    await again.api.listContacts();
    expect(requestedPaths(fake).at(-1)).toBe('GET /corps/wwbbb/api/external-contacts');
    // And a new login goes straight to the corp: one code, one POST.
    fake.context.sessionValid = false;
    await again.auth.ensureSession();
    expect(fake.qy.login).toHaveBeenCalledTimes(3);
    expect(sessionPosts(fake)).toEqual([
      'POST /api/sessions',
      'POST /corps/wwbbb/api/sessions',
      'POST /corps/wwbbb/api/sessions',
    ]);
  });

  it('should switch at most once per login: a second auth.corp_switch reaches the caller', async () => {
    const fake = severalCorps();
    fake.server.failNext(
      'POST /corps/wwbbb/api/sessions',
      errorAnswer(409, 'auth.corp_switch', { corpId: 'wwccc' }),
    );
    const services = start(fake);
    await expect(services.auth.ensureSession()).rejects.toMatchObject({
      code: 'auth.corp_switch',
      status: 409,
    });
    expect(sessionPosts(fake)).toEqual(['POST /api/sessions', 'POST /corps/wwbbb/api/sessions']);
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
    expect(services.auth.hasSession()).toBe(false);
  });

  it('should get the fresh code from the sandbox after a demo login', async () => {
    const fake = severalCorps('wwbbb', mockSandboxData());
    const services = start(fake);
    await services.auth.loginAsDemo('lisi');
    expect(fake.qy.login).not.toHaveBeenCalled();
    expect(requestedPaths(fake)).toEqual([
      'GET /sandbox/info',
      'POST /sandbox/login-code',
      'POST /api/sessions',
      'POST /corps/wwbbb/sandbox/login-code',
      'POST /corps/wwbbb/api/sessions',
    ]);
    expect(fake.wx.request.mock.calls[3]![0].data).toEqual({ userid: 'lisi' });
  });

  it('should forget a corp the deployment no longer serves and log in once at the root', async () => {
    const fake = severalCorps('wwaaa');
    fake.storage.set(CORP_KEY, 'wwgone');
    const services = start(fake);
    await services.api.me();
    expect(requestedPaths(fake)).toEqual([
      'POST /corps/wwgone/api/sessions',
      'POST /api/sessions',
      'GET /api/me',
    ]);
    expect(fake.storage.has(CORP_KEY)).toBe(false);
  });

  it('should not loop on corp.unknown: once at the root, and its answer reaches the caller', async () => {
    const fake = severalCorps('wwaaa');
    fake.storage.set(CORP_KEY, 'wwgone');
    fake.server.failNext('POST /api/sessions', errorAnswer(404, 'corp.unknown'));
    await expect(start(fake).auth.ensureSession()).rejects.toMatchObject({ code: 'corp.unknown' });
    expect(sessionPosts(fake)).toEqual(['POST /corps/wwgone/api/sessions', 'POST /api/sessions']);
  });

  it('should log in again at the root when a call under a dropped corp answers corp.unknown', async () => {
    const fake = severalCorps();
    const services = start(fake);
    await services.auth.ensureSession();
    // The deployment drops corp B; the employee now belongs to A (at the root).
    fake.server.data.corps = { served: ['wwaaa'], employeeCorp: 'wwaaa' };
    const answers = await Promise.all([services.api.me(), services.api.listContacts()]);
    expect(answers[0].user.userid).toBe('zhangsan');
    expect(requestedPaths(fake).slice(2)).toEqual([
      'GET /corps/wwbbb/api/me',
      'GET /corps/wwbbb/api/external-contacts',
      'POST /api/sessions',
      'GET /api/me',
      'GET /api/external-contacts',
    ]);
    expect(fake.storage.has(CORP_KEY)).toBe(false);
  });

  it('should never put an invalid corp ID into a path', async () => {
    const fake = severalCorps();
    fake.server.failNext(
      'POST /api/sessions',
      errorAnswer(409, 'auth.corp_switch', { corpId: '../admin' }),
    );
    const services = start(fake);
    await expect(services.auth.ensureSession()).rejects.toMatchObject({
      code: 'auth.corp_switch',
    });
    expect(requestedPaths(fake)).toEqual(['POST /api/sessions']);
    expect(fake.storage.has(CORP_KEY)).toBe(false);

    // One already stored (another version, a hand edit) is forgotten, and the login starts at
    // the root — where this time the server names a valid corp.
    fake.storage.set(CORP_KEY, 'ww/../x');
    await services.auth.ensureSession();
    expect(sessionPosts(fake).slice(1)).toEqual([
      'POST /api/sessions',
      'POST /corps/wwbbb/api/sessions',
    ]);
    expect(fake.storage.get(CORP_KEY)).toBe('wwbbb');
  });

  it("should keep the employee's corp on logout: the next login starts there", async () => {
    const fake = severalCorps();
    const services = start(fake);
    await services.auth.ensureSession();
    await services.auth.logout();
    expect(requestedPaths(fake).at(-1)).toBe('DELETE /corps/wwbbb/api/sessions/current');
    expect(fake.storage.get(CORP_KEY)).toBe('wwbbb');
    await services.auth.ensureSession();
    expect(sessionPosts(fake).at(-1)).toBe('POST /corps/wwbbb/api/sessions');
    expect(sessionPosts(fake)).toHaveLength(3);
  });

  it('should forget the corp with the server origin a develop build changes to', async () => {
    const fake = severalCorps();
    fake.storage.set('wecom-gate.dev-origin', BASE_URL);
    const services = createServices({ wx: fake.wx });
    await services.auth.ensureSession();
    expect(fake.wx.request.mock.calls.at(-1)![0].url).toBe(`${BASE_URL}/corps/wwbbb/api/sessions`);
    expect(services.origin.current()).toBe(BASE_URL);
    expect(services.origin.set('http://other.test')).toBe(true);
    expect(fake.storage.has(CORP_KEY)).toBe(false);
    expect(services.origin.base()).toBe('http://other.test');
  });

  it('should let auth.corp_mismatch reach the caller after one POST, at the root or a corp', async () => {
    // A deployment of one corp (A) never switches: another corp's employee is refused.
    const fake = createFakeWx({
      data: { ...mockServerData(), corps: { served: ['wwaaa'], employeeCorp: 'wwbbb' } },
    });
    const services = start(fake);
    await expect(services.auth.ensureSession()).rejects.toMatchObject({
      code: 'auth.corp_mismatch',
      status: 403,
    });
    expect(fake.storage.size).toBe(0);
    // A remembered corp the deployment serves is kept: a refusal there is no reason to leave it.
    fake.storage.set(CORP_KEY, 'wwaaa');
    await expect(services.auth.ensureSession()).rejects.toMatchObject({
      code: 'auth.corp_mismatch',
    });
    expect(requestedPaths(fake)).toEqual(['POST /api/sessions', 'POST /corps/wwaaa/api/sessions']);
    expect(fake.storage.get(CORP_KEY)).toBe('wwaaa');
  });
});
