import {
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_OTHER_APP_SECRET,
  OTHER_CORP_ID,
  OTHER_CORP_SECRET,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

const ERRMSG =
  /^.+, hint: \[\d{25}\], from ip: 127\.0\.0\.1, more info at https:\/\/open\.work\.weixin\.qq\.com\/devtool\/query\?e=(-?\d+)$/;

describe('simulator: gettoken', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });

  it('issues a new, distinct token on each call with expires_in 7200', async () => {
    const first = await callWecom(sim, 'gettoken', {
      corpid: sim.corpId,
      corpsecret: sim.seed.miniprogramApp.secret,
    });
    const second = await callWecom(sim, 'gettoken', {
      corpid: sim.corpId,
      corpsecret: sim.seed.miniprogramApp.secret,
    });
    expect(first).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(typeof first.access_token).toBe('string');
    expect(first.access_token).not.toBe(second.access_token);
    // The older token stays valid.
    const user = await callWecom(sim, 'user/get', {
      access_token: first.access_token,
      userid: 'zhangsan',
    });
    expect(user).toMatchObject({ errcode: 0, name: '张三' });
  });

  it.each([
    ['unknown corpid', { corpid: 'wwnotacorp00000000', corpsecret: 'x' }, 40013],
    ['empty corpid', { corpid: '', corpsecret: 'x' }, 41002],
    ['empty secret', { corpid: 'CORP', corpsecret: '' }, 41004],
    ['a wrong secret', { corpid: 'CORP', corpsecret: 'not-a-secret' }, 40001],
    ['a secret with a stray space', { corpid: 'CORP', corpsecret: 'OUR ' }, 40001],
    ["another corp's secret", { corpid: 'CORP', corpsecret: OTHER_CORP_SECRET }, 40091],
    ['our secret for the other corp', { corpid: OTHER_CORP_ID, corpsecret: 'OUR' }, 40091],
  ])('answers %s with its errcode and the errmsg anatomy', async (_label, query, errcode) => {
    const resolved = {
      corpid: query.corpid === 'CORP' ? sim.corpId : query.corpid,
      corpsecret: query.corpsecret.replace('OUR', sim.seed.miniprogramApp.secret),
    };
    const answer = await callWecom(sim, 'gettoken', resolved);
    expect(answer.errcode).toBe(errcode);
    expect(answer.errmsg).toMatch(ERRMSG);
    expect(ERRMSG.exec(answer.errmsg)![1]).toBe(String(errcode));
    expect(answer.access_token).toBeUndefined();
  });

  it('gives tokens for the other self-built app, the 通讯录同步 secret and the other corp', async () => {
    for (const secret of [DEMO_OTHER_APP_SECRET, DEMO_DIRECTORY_SYNC_SECRET]) {
      await expect(tokenFor(sim, secret)).resolves.toEqual(expect.any(String));
    }
    await expect(tokenFor(sim, OTHER_CORP_SECRET, OTHER_CORP_ID)).resolves.toEqual(
      expect.any(String),
    );
  });
});

describe('simulator: access tokens on API calls', () => {
  let clock = 1_800_000_000_000;
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ now: () => clock, tokenTtlSeconds: 60 });
  });

  const userGet = (token?: string) =>
    callWecom(sim, 'user/get', {
      ...(token === undefined ? {} : { access_token: token }),
      userid: 'lisi',
    });

  it('answers 41001 without a token and 40014 for an unknown one', async () => {
    expect((await userGet()).errcode).toBe(41001);
    expect((await userGet('not-a-token')).errcode).toBe(40014);
  });

  it('honours tokenTtlSeconds and answers 42001 once the clock passes expiry', async () => {
    const answer = await callWecom(sim, 'gettoken', {
      corpid: sim.corpId,
      corpsecret: sim.seed.miniprogramApp.secret,
    });
    expect(answer.expires_in).toBe(60);
    expect((await userGet(answer.access_token)).errcode).toBe(0);
    clock += 59_000;
    expect((await userGet(answer.access_token)).errcode).toBe(0);
    clock += 2_000;
    const expired = await userGet(answer.access_token);
    expect(expired.errcode).toBe(42001);
    expect(expired.errmsg).toContain('access_token expired, hint: [');
  });

  it('invalidates every token issued so far early (40014); new ones work', async () => {
    const a = await tokenFor(sim);
    const b = await tokenFor(sim);
    sim.invalidateTokens();
    expect((await userGet(a)).errcode).toBe(40014);
    expect((await userGet(b)).errcode).toBe(40014);
    expect((await userGet(await tokenFor(sim))).errcode).toBe(0);
  });
});

describe('simulator: 企业可信IP allow-list', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterEach(() => sim.setTrustedIps(null));

  it('answers 60020 naming the caller IP, with empty data fields, but never gates gettoken', async () => {
    sim.setTrustedIps(['203.0.113.7']);
    const token = await tokenFor(sim);
    const answer = await callWecom(
      sim,
      'externalcontact/groupchat/list',
      { access_token: token },
      { limit: 10 },
    );
    expect(answer.errcode).toBe(60020);
    expect(answer.errmsg).toMatch(
      /^not allow to access from your ip, hint: \[\d{25}\], from ip: 127\.0\.0\.1, more info at .*e=60020$/,
    );
    expect(answer.group_chat_list).toEqual([]);
  });

  it('lets listed IPs through and everything through with no list', async () => {
    const token = await tokenFor(sim);
    sim.setTrustedIps(['127.0.0.1']);
    expect(
      (await callWecom(sim, 'user/get', { access_token: token, userid: 'lisi' })).errcode,
    ).toBe(0);
    sim.setTrustedIps(null);
    expect(
      (await callWecom(sim, 'user/get', { access_token: token, userid: 'lisi' })).errcode,
    ).toBe(0);
  });
});
