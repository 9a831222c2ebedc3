import type { LoginContext, LoginResponse } from '../../../miniprogram/typings/api';
import { customerId } from '../../../server/src/sandbox';
import { startTestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

// Tokens and tickets refreshed before they expire, so that no request waits for WeCom to hand out
// a new one. The simulator's tokens and tickets live 4 s here: kept 2 s, refreshed at 1.6 s. Once
// the first ones have ended at WeCom, WeCom refuses to hand out more: a request that waited for a
// new one would fail, and a refresh that fails leaves the current one in use.

const LIFETIME_S = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 8 s');
    await sleep(20);
  }
}

async function setup(web: boolean) {
  const simulator = await startTestSimulator({
    tokenTtlSeconds: LIFETIME_S,
    ticketTtlSeconds: LIFETIME_S,
  });
  const gateway = await startTestGateway({ simulator, web });
  const login = () =>
    gateway.request<LoginResponse>('POST', '/api/sessions', {
      body: { code: simulator.issueLoginCode('zhangsan'), context },
    });
  return { simulator, gateway, login };
}

const context: LoginContext = { entry: 'single_chat_tools', externalUserId: customerId(1) };

it('should replace an expiring access token before a request needs it', async () => {
  const { simulator, gateway, login } = await setup(false);
  try {
    const started = Date.now();
    expect((await login()).status).toBe(201);
    const fetched = simulator.calls('gettoken');
    // Refreshed twice with no request asking: at 1.6 s and 3.2 s.
    await until(() => simulator.calls('gettoken') >= fetched * 3);
    await sleep(started + LIFETIME_S * 1000 + 100 - Date.now());
    simulator.injectFault({ api: 'gettoken', kind: 'errcode', errcode: 40013, times: 1000 });
    const later = await login();
    expect(later.status).toBe(201);
    expect(later.body.context).toMatchObject({ followUser: { userid: 'zhangsan' } });
  } finally {
    await gateway.close();
  }
}, 20_000);

it('should replace an expiring JS-SDK ticket before a request needs it', async () => {
  const { simulator, gateway, login } = await setup(true);
  try {
    const url = `${gateway.base}/admin/`;
    const sign = async () =>
      gateway.request('GET', `/api/jssdk/signature?url=${encodeURIComponent(url)}`, {
        token: (await login()).body.token,
      });
    const started = Date.now();
    expect((await sign()).status).toBe(200);
    const fetched = simulator.calls('get_jsapi_ticket');
    await until(() => simulator.calls('get_jsapi_ticket') >= fetched * 3);
    await sleep(started + LIFETIME_S * 1000 + 100 - Date.now());
    for (const api of ['get_jsapi_ticket', 'ticket/get'])
      simulator.injectFault({ api, kind: 'errcode', errcode: 45009, times: 1000 });
    expect((await sign()).status).toBe(200);
  } finally {
    await gateway.close();
  }
}, 20_000);
