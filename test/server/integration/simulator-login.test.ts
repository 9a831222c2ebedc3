import { createDecipheriv } from 'node:crypto';
import {
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_MINIPROGRAM_APPID,
  DEMO_OTHER_APP_SECRET,
  OTHER_CORP_ID,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: miniprogram/jscode2session', () => {
  let clock = 1_800_000_000_000;
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator({ now: () => clock });
    token = await tokenFor(sim);
  });

  const exchange = (code: string, accessToken = token) =>
    callWecom(sim, 'miniprogram/jscode2session', {
      access_token: accessToken,
      js_code: code,
      grant_type: 'authorization_code',
    });

  it('exchanges a code for {corpid, userid, session_key, deviceid}', async () => {
    const answer = await exchange(sim.issueLoginCode('zhangsan'));
    expect(answer).toEqual({
      errcode: 0,
      errmsg: 'ok',
      corpid: sim.corpId,
      userid: 'zhangsan',
      session_key: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/),
      deviceid: '',
    });
    expect(Buffer.from(answer.session_key, 'base64')).toHaveLength(16);
    expect(sim.lastSessionKey('zhangsan')).toBe(answer.session_key);
  });

  it('uses a code once (40029 the second time)', async () => {
    const code = sim.issueLoginCode('lisi');
    expect((await exchange(code)).errcode).toBe(0);
    const again = await exchange(code);
    expect(again.errcode).toBe(40029);
    expect(again.errmsg).toMatch(/^invalid code, hint: \[\d{25}\], from ip: 127\.0\.0\.1, /);
  });

  it('answers 40029 for an unknown code and a code older than 5 minutes', async () => {
    expect((await exchange('never-issued')).errcode).toBe(40029);
    expect((await exchange('')).errcode).toBe(41008);
    const code = sim.issueLoginCode('wangwu');
    clock += 5 * 60 * 1000;
    expect((await exchange(code)).errcode).toBe(40029);
    const fresh = sim.issueLoginCode('wangwu');
    clock += 4 * 60 * 1000;
    expect((await exchange(fresh)).errcode).toBe(0);
  });

  it("answers another corp's corpid and an encrypted-looking userid for that corp's code", async () => {
    const answer = await exchange(sim.issueLoginCode('zhangsan', { corpId: OTHER_CORP_ID }));
    expect(answer.errcode).toBe(0);
    expect(answer.corpid).toBe(OTHER_CORP_ID);
    expect(answer.userid).toMatch(/^wo[A-Za-z0-9_-]{30}$/);
  });

  it('refuses the other self-built app (48002) and the 通讯录同步 token (40014)', async () => {
    const other = await tokenFor(sim, DEMO_OTHER_APP_SECRET);
    expect((await exchange(sim.issueLoginCode('zhangsan'), other)).errcode).toBe(48002);
    const sync = await tokenFor(sim, DEMO_DIRECTORY_SYNC_SECRET);
    expect((await exchange(sim.issueLoginCode('zhangsan'), sync)).errcode).toBe(40014);
  });

  it('refuses to issue codes for people the demo corp does not have', () => {
    expect(() => sim.issueLoginCode('nobody')).toThrow(/unknown userid/);
  });

  it('rotates the session_key on each login', async () => {
    const first = (await exchange(sim.issueLoginCode('sunqi'))).session_key;
    const second = (await exchange(sim.issueLoginCode('sunqi'))).session_key;
    expect(first).not.toBe(second);
    expect(sim.lastSessionKey('sunqi')).toBe(second);
  });

  it('encryptForUser produces AES-128-CBC data that the latest session_key decrypts', async () => {
    const answer = await exchange(sim.issueLoginCode('zhouba'));
    const { encryptedData, iv } = sim.encryptForUser('zhouba', { mobile: '13800138000' });
    const decipher = createDecipheriv(
      'aes-128-cbc',
      Buffer.from(answer.session_key, 'base64'),
      Buffer.from(iv, 'base64'),
    );
    const plain = Buffer.concat([
      decipher.update(Buffer.from(encryptedData, 'base64')),
      decipher.final(),
    ]);
    expect(JSON.parse(plain.toString())).toEqual({
      mobile: '13800138000',
      watermark: { appid: DEMO_MINIPROGRAM_APPID, timestamp: Math.floor(clock / 1000) },
    });
    const foreign = sim.encryptForUser('zhouba', {}, { appid: 'wxother' });
    const d2 = createDecipheriv(
      'aes-128-cbc',
      Buffer.from(answer.session_key, 'base64'),
      Buffer.from(foreign.iv, 'base64'),
    );
    const p2 = Buffer.concat([d2.update(Buffer.from(foreign.encryptedData, 'base64')), d2.final()]);
    expect(JSON.parse(p2.toString()).watermark.appid).toBe('wxother');
  });

  it('encryptForUser refuses a user who never logged in', () => {
    expect(() => sim.encryptForUser('qianmi', {})).toThrow(/log in first/);
  });
});
