import type { Simulator } from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: fault injection and counters', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    token = await tokenFor(sim);
  });
  afterEach(() => {
    sim.clearFaults();
    sim.resetCalls();
  });
  const userGet = () => callWecom(sim, 'user/get', { access_token: token, userid: 'lisi' });

  it('errcode: answers the injected errcode with the errmsg anatomy and empty data fields', async () => {
    sim.injectFault({ kind: 'errcode', errcode: -1, api: 'externalcontact/get' });
    const answer = await callWecom(sim, 'externalcontact/get', {
      access_token: token,
      external_userid: 'x',
    });
    expect(answer).toMatchObject({ errcode: -1, external_contact: {}, follow_user: [] });
    expect(answer.errmsg).toMatch(/^system busy, hint: \[\d{25}\], from ip: 127\.0\.0\.1, .*e=-1$/);
    // Other APIs are untouched.
    expect((await userGet()).errcode).toBe(0);
  });

  it('errcode: honours a custom errmsg and `times`', async () => {
    sim.injectFault({ kind: 'errcode', errcode: 45009, errmsg: 'api freq out of limit', times: 1 });
    const first = await userGet();
    expect(first.errcode).toBe(45009);
    expect(first.errmsg).toMatch(/^api freq out of limit, hint: /);
    expect((await userGet()).errcode).toBe(0);
  });

  it('errcode with `after`: lets that many matching calls through first (a fault mid-run)', async () => {
    sim.injectFault({ kind: 'errcode', errcode: 60011, api: 'user/get', after: 2, times: 1 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await userGet()).errcode);
    expect(codes).toEqual([0, 0, 60011, 0]);
  });

  it('the returned function removes the fault', async () => {
    const remove = sim.injectFault({ kind: 'errcode', errcode: 45033 });
    expect((await userGet()).errcode).toBe(45033);
    remove();
    expect((await userGet()).errcode).toBe(0);
  });

  it('latency: delays, then answers normally', async () => {
    sim.injectFault({ kind: 'latency', ms: 50, times: 1 });
    expect(await userGet()).toMatchObject({ errcode: 0, userid: 'lisi' });
  });

  it('http: answers the status with a non-JSON body', async () => {
    sim.injectFault({ kind: 'http', status: 502, api: 'gettoken' });
    const response = await fetch(`${sim.url}/cgi-bin/gettoken?corpid=${sim.corpId}&corpsecret=x`);
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('drop: destroys the connection without answering', async () => {
    sim.injectFault({ kind: 'drop', times: 1 });
    await expect(userGet()).rejects.toThrow();
    expect((await userGet()).errcode).toBe(0);
  });

  it('hang: never answers', async () => {
    sim.injectFault({ kind: 'hang', times: 1 });
    await expect(
      fetch(`${sim.url}/cgi-bin/user/get?access_token=${token}&userid=lisi`, {
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect((await userGet()).errcode).toBe(0);
  });

  it('counts every call that reached it, faulty or not, per API and in total', async () => {
    sim.injectFault({
      kind: 'errcode',
      errcode: -1,
      times: 1,
      api: 'externalcontact/groupchat/get',
    });
    await tokenFor(sim);
    await userGet();
    await userGet();
    await callWecom(
      sim,
      'externalcontact/groupchat/get',
      { access_token: token },
      { chat_id: 'x' },
    );
    await callWecom(
      sim,
      'externalcontact/groupchat/get',
      { access_token: token },
      { chat_id: 'x' },
    );
    expect(sim.calls('gettoken')).toBe(1);
    expect(sim.calls('user/get')).toBe(2);
    expect(sim.calls('externalcontact/groupchat/get')).toBe(2);
    expect(sim.calls('miniprogram/jscode2session')).toBe(0);
    expect(sim.calls()).toBe(5);
    expect(sim.callCounts()).toEqual({
      gettoken: 1,
      'user/get': 2,
      'externalcontact/groupchat/get': 2,
    });
    sim.resetCalls();
    expect(sim.calls()).toBe(0);
    expect(sim.callCounts()).toEqual({});
  });

  it('close() ends hanging requests', async () => {
    const other = await startTestSimulator();
    other.injectFault({ kind: 'hang' });
    const pending = fetch(`${other.url}/cgi-bin/gettoken`);
    // Wait until the request reached the simulator before closing.
    while (other.calls('gettoken') === 0) await new Promise((r) => setTimeout(r, 5));
    await other.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('simulator: optional WeCom limits', () => {
  it('answers 45009 over the per-API per-minute limit until the next minute', async () => {
    let clock = 1_800_000_000_000;
    const sim = await startTestSimulator({ now: () => clock, perApiPerMinuteLimit: 2 });
    const token = await tokenFor(sim);
    const get = () => callWecom(sim, 'user/get', { access_token: token, userid: 'lisi' });
    expect((await get()).errcode).toBe(0);
    expect((await get()).errcode).toBe(0);
    expect((await get()).errcode).toBe(45009);
    clock += 60_000;
    expect((await get()).errcode).toBe(0);
  });

  it('answers 45033 over the max concurrency per API', async () => {
    const sim = await startTestSimulator({ maxConcurrencyPerApi: 1 });
    const token = await tokenFor(sim);
    sim.injectFault({ kind: 'latency', ms: 1000, times: 1, api: 'user/get' });
    const get = () => callWecom(sim, 'user/get', { access_token: token, userid: 'lisi' });
    const first = get();
    while (sim.calls('user/get') === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await get();
    expect(second.errcode).toBe(45033);
    expect((await first).errcode).toBe(0);
    expect((await get()).errcode).toBe(0);
  });
});
