import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { Simulator } from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: HTTP control surface', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}/sandbox/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });

  it('POST /sandbox/login-code issues a code that jscode2session accepts once', async () => {
    const response = await control('POST', 'login-code', { userid: 'zhangsan' });
    expect(response.status).toBe(200);
    const { code } = (await response.json()) as { code: string };
    const token = await tokenFor(sim);
    const query = { access_token: token, js_code: code, grant_type: 'authorization_code' };
    expect(await callWecom(sim, 'miniprogram/jscode2session', query)).toMatchObject({
      errcode: 0,
      userid: 'zhangsan',
    });
    expect((await callWecom(sim, 'miniprogram/jscode2session', query)).errcode).toBe(40029);
  });

  it('POST /sandbox/login-code answers 400 for an unknown userid or a bad body, and honours corpId', async () => {
    expect((await control('POST', 'login-code', { userid: 'ghost' })).status).toBe(400);
    expect((await control('POST', 'login-code', {})).status).toBe(400);
    expect((await control('POST', 'login-code')).status).toBe(400);
    const other = await control('POST', 'login-code', { userid: 'someone', corpId: 'wwother' });
    expect(other.status).toBe(200);
  });

  it('GET /sandbox/calls and POST /sandbox/calls/reset', async () => {
    await control('POST', 'calls/reset');
    await tokenFor(sim);
    expect(await (await control('GET', 'calls')).json()).toEqual({ gettoken: 1 });
    expect((await control('POST', 'calls/reset')).status).toBe(204);
    expect(await (await control('GET', 'calls')).json()).toEqual({});
  });

  it('POST /sandbox/faults → {id}; DELETE by id and all; 400 for an invalid fault', async () => {
    const response = await control('POST', 'faults', {
      kind: 'errcode',
      errcode: -1,
      api: 'gettoken',
    });
    const { id } = (await response.json()) as { id: string };
    expect(id).toEqual(expect.any(String));
    const busy = await callWecom(sim, 'gettoken', {
      corpid: sim.corpId,
      corpsecret: sim.seed.miniprogramApp.secret,
    });
    expect(busy.errcode).toBe(-1);
    expect((await control('DELETE', `faults/${id}`)).status).toBe(204);
    expect((await control('DELETE', `faults/${id}`)).status).toBe(404);
    await expect(tokenFor(sim)).resolves.toEqual(expect.any(String));
    await control('POST', 'faults', { kind: 'http', status: 503 });
    expect((await control('DELETE', 'faults')).status).toBe(204);
    await expect(tokenFor(sim)).resolves.toEqual(expect.any(String));
    expect((await control('POST', 'faults', { kind: 'explode' })).status).toBe(400);
    expect((await control('POST', 'faults', { kind: 'latency' })).status).toBe(400);
  });

  it('POST /sandbox/tokens/invalidate and PUT /sandbox/trusted-ips', async () => {
    const token = await tokenFor(sim);
    expect((await control('POST', 'tokens/invalidate')).status).toBe(204);
    expect(
      (await callWecom(sim, 'user/get', { access_token: token, userid: 'lisi' })).errcode,
    ).toBe(40014);
    const fresh = await tokenFor(sim);
    expect((await control('PUT', 'trusted-ips', { ips: ['203.0.113.1'] })).status).toBe(204);
    expect(
      (await callWecom(sim, 'user/get', { access_token: fresh, userid: 'lisi' })).errcode,
    ).toBe(60020);
    expect((await control('PUT', 'trusted-ips', { ips: null })).status).toBe(204);
    expect(
      (await callWecom(sim, 'user/get', { access_token: fresh, userid: 'lisi' })).errcode,
    ).toBe(0);
  });
});

describe('simulator: main.ts entry', () => {
  it('prints {url, corpId, wecomConfig} and closes on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [createRequire(__filename).resolve('tsx/cli'), 'server/src/sandbox/main.ts'],
      {
        cwd: `${__dirname}/../../..`,
        env: {
          ...process.env,
          SANDBOX_PORT: '0',
          SANDBOX_SCENARIO: 'wrong-corp',
          SANDBOX_LATENCY_MS: '1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const started = JSON.parse(line) as {
        url: string;
        corpId: string;
        wecomConfig: { corpId: string; apiBase: string; secrets: { app: string } };
      };
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.wecomConfig.apiBase).toBe(started.url);
      expect(started.wecomConfig.corpId).not.toBe(started.corpId);
      const response = await fetch(
        `${started.url}/cgi-bin/gettoken?corpid=${started.wecomConfig.corpId}&corpsecret=${started.wecomConfig.secrets.app}`,
      );
      expect(((await response.json()) as { errcode: number }).errcode).toBe(40013);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 30_000);
});
