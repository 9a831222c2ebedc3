import type { DecryptResponse } from '../../../miniprogram/typings/api';
import { DEMO_MINIPROGRAM_APPID, type Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

// POST /api/me/decrypt — AES-128-CBC with this session's session_key,
// watermark.appid checked against the configured mini-program appid.

let simulator: Simulator;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({ simulator });
});
afterAll(async () => {
  await gateway.close();
});

const decrypt = (token: string | undefined, body: unknown, target = gateway) =>
  target.request<DecryptResponse>('POST', '/api/me/decrypt', { token, body });

describe('POST /api/me/decrypt', () => {
  it('should decrypt a payload made with this session’s key and drop the watermark', async () => {
    const token = await gateway.login('zhangsan');
    const payload = simulator.encryptForUser('zhangsan', {
      corpid: simulator.corpId,
      userid: 'zhangsan',
      name: '张三',
      gender: '1',
    });
    const answer = await decrypt(token, payload);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: { corpid: simulator.corpId, userid: 'zhangsan', name: '张三', gender: '1' },
    });
    expect(answer.text).not.toContain(simulator.lastSessionKey('zhangsan')!);
  });

  it('should refuse data made for another mini-program without naming the expected appid', async () => {
    const token = await gateway.login('lisi');
    const payload = simulator.encryptForUser(
      'lisi',
      { email: 'lisi@example.com' },
      { appid: 'wx0000000000000000' },
    );
    const answer = await decrypt(token, payload);
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    expect(errorBody(answer.body).message).toMatch(/watermark\.appid/);
    expect(answer.text).not.toContain(DEMO_MINIPROGRAM_APPID);
    expect(answer.text).not.toContain('lisi@example.com');
    // The session itself is fine.
    expect((await gateway.request('GET', '/api/me', { token })).status).toBe(200);
  });

  it('should end a session whose key is stale and tell the client to log in again', async () => {
    const stale = await gateway.login('wangwu');
    const fresh = await gateway.login('wangwu'); // a newer wx.qy.login rotates the session_key
    const payload = simulator.encryptForUser('wangwu', { mobile: '13800000000' });

    const answer = await decrypt(stale, payload);
    expect(answer.status).toBe(401);
    expect(errorBody(answer.body).code).toBe('auth.session_expired');
    expect(errorBody(answer.body).message).toMatch(/stale/);
    const me = await gateway.request('GET', '/api/me', { token: stale });
    expect(errorBody(me.body).code).toBe('auth.session_expired');

    const current = await decrypt(fresh, payload);
    expect(current.status).toBe(200);
    expect(current.body.data).toEqual({ mobile: '13800000000' });
  });

  it.each([
    [
      'an iv that is not 16 bytes',
      (p: { encryptedData: string; iv: string }) => ({
        ...p,
        iv: 'AAAA',
      }),
    ],
    [
      'data that is not base64',
      (p: { encryptedData: string; iv: string }) => ({
        ...p,
        encryptedData: `${p.encryptedData.slice(0, -4)}!!!!`,
      }),
    ],
    [
      'data that is not whole AES blocks',
      (p: { encryptedData: string; iv: string }) => ({
        ...p,
        encryptedData: Buffer.alloc(20, 7).toString('base64'),
      }),
    ],
    ['a missing field', (p: { encryptedData: string; iv: string }) => ({ iv: p.iv })],
    [
      'data over the length bound',
      (p: { encryptedData: string; iv: string }) => ({
        ...p,
        encryptedData: 'A'.repeat(12_004),
      }),
    ],
  ])('should refuse %s as guard.invalid_input and keep the session', async (_, change) => {
    const token = await gateway.login('zhaoliu');
    const payload = simulator.encryptForUser('zhaoliu', { mobile: '13900000000' });
    const answer = await decrypt(token, change(payload));
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    expect((await decrypt(token, payload)).status).toBe(200);
  });

  it('should need a session', async () => {
    const answer = await decrypt(undefined, { encryptedData: 'AAAA', iv: 'AAAA' });
    expect(answer.status).toBe(401);
    expect(errorBody(answer.body).code).toBe('auth.unauthenticated');
  });

  it('should refuse to decrypt when no mini-program appid is configured', async () => {
    const unset = await startTestGateway({
      simulator,
      wecomConfig: { miniprogramAppId: undefined },
    });
    try {
      const token = await unset.login('sunqi');
      const payload = simulator.encryptForUser('sunqi', { mobile: '13700000000' });
      const answer = await decrypt(token, payload, unset);
      expect(answer.status).toBe(403);
      expect(errorBody(answer.body).code).toBe('auth.forbidden');
      expect(errorBody(answer.body).message).toContain('WECOM_MINIPROGRAM_APPID');
    } finally {
      await unset.close();
    }
  });
});
