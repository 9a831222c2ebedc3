import { z } from 'zod';
import { type Simulator, startSimulator } from '../../../server/src/sandbox';
import type { Store } from '../../../server/src/stores/store';
import {
  type AccessTokenProvider,
  createAccessTokenProvider,
} from '../../../server/src/wecom/access-token-provider';
import { createWecomClient, type WecomClient } from '../../../server/src/wecom/client';
import { WecomApiError } from '../../../server/src/wecom/errors';
import { createWecomHttp, type WecomHttp } from '../../../server/src/wecom/http';
import { createTestRedisStore, silentLogger, uniquePrefix } from '../../helpers/stores';

// Access tokens against the simulator over HTTP and a real Redis: one refresh cluster-wide,
// compare-and-delete on a failing token, one retry, and no retry of a refused secret.

const userSchema = z.object({ userid: z.string() });

interface Instance {
  store: Store;
  http: WecomHttp;
  tokens: AccessTokenProvider;
  client: WecomClient;
}

let simulator: Simulator;
const open: Instance[] = [];

/** One "process": its own Redis connection, HTTP client and token provider, same key prefix. */
async function instance(prefix: string, sim = simulator): Promise<Instance> {
  const config = sim.wecomConfig({ timeoutMs: 3000 });
  const store = await createTestRedisStore({ prefix });
  const http = createWecomHttp({
    apiBase: config.apiBase,
    timeoutMs: 3000,
    logger: silentLogger(),
  });
  const tokens = createAccessTokenProvider({
    http,
    store,
    corpId: config.corpId,
    secrets: config.secrets,
    logger: silentLogger(),
    timeoutMs: 3000,
  });
  const created = {
    store,
    http,
    tokens,
    client: createWecomClient({ http, accessTokens: tokens }),
  };
  open.push(created);
  return created;
}

const getUser = (client: WecomClient) =>
  client.call('directory', { api: 'user/get', query: { userid: 'zhangsan' }, schema: userSchema });

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());
beforeEach(() => {
  simulator.resetCalls();
  simulator.clearFaults();
});
afterEach(async () => {
  for (const each of open.splice(0)) {
    await each.http.close();
    await each.store.close();
  }
});

describe('access tokens', () => {
  it('should make exactly one gettoken for 200 concurrent callers at a cold start', async () => {
    const { tokens } = await instance(uniquePrefix());
    simulator.injectFault({ api: 'gettoken', kind: 'latency', ms: 50 });
    const results = await Promise.all(Array.from({ length: 200 }, () => tokens.get('app')));
    expect(simulator.calls('gettoken')).toBe(1);
    expect(new Set(results.map((result) => result.token)).size).toBe(1);
  });

  it('should make exactly one gettoken when the callers are spread over two processes', async () => {
    const prefix = uniquePrefix();
    const [one, two] = [await instance(prefix), await instance(prefix)];
    simulator.injectFault({ api: 'gettoken', kind: 'latency', ms: 50 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? one : two).tokens.get('contact')),
    );
    expect(simulator.calls('gettoken')).toBe(1);
    expect(new Set(results.map((result) => result.token)).size).toBe(1);
  });

  it('should share one token between credentials that use the same secret', async () => {
    const { tokens } = await instance(uniquePrefix());
    const [app, contact, directory] = await Promise.all([
      tokens.get('app'),
      tokens.get('contact'),
      tokens.get('directory'),
    ]);
    expect(contact.token).toBe(app.token);
    expect(directory.token).toBe(app.token);
    expect(simulator.calls('gettoken')).toBe(1);
  });

  it('should refresh once and retry once when a call says the token is invalid', async () => {
    const { client } = await instance(uniquePrefix());
    await getUser(client);
    simulator.invalidateTokens();
    simulator.resetCalls();
    await expect(getUser(client)).resolves.toMatchObject({ userid: 'zhangsan' });
    expect(simulator.calls('gettoken')).toBe(1);
    expect(simulator.calls('user/get')).toBe(2);
  });

  it('should retry only once when the fresh token fails too', async () => {
    const { client } = await instance(uniquePrefix());
    await getUser(client);
    simulator.resetCalls();
    simulator.injectFault({ api: 'user/get', kind: 'errcode', errcode: 42001 });
    await expect(getUser(client)).rejects.toMatchObject({ errcode: 42001 });
    expect(simulator.calls('user/get')).toBe(2);
    expect(simulator.calls('gettoken')).toBe(1);
  });

  it('should not delete a token another process already refreshed', async () => {
    const prefix = uniquePrefix();
    const [slow, fast] = [await instance(prefix), await instance(prefix)];
    await getUser(slow.client);
    simulator.invalidateTokens();
    simulator.resetCalls();
    // The slow process's call with the stale token answers late; meanwhile the fast one refreshes.
    simulator.injectFault({ api: 'user/get', kind: 'latency', ms: 300, times: 1 });
    const late = getUser(slow.client);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await getUser(fast.client);
    await late;
    expect(simulator.calls('gettoken')).toBe(1);
  });

  it('should never repeat a gettoken that refused the secret', async () => {
    const wrong = await startSimulator({ scenario: 'wrong-secret' });
    try {
      const { tokens } = await instance(uniquePrefix(), wrong);
      const first = await tokens.get('app').catch((error: unknown) => error);
      expect(first).toBeInstanceOf(WecomApiError);
      expect(first).toMatchObject({ errcode: 40001, api: 'gettoken' });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          expect(tokens.get('app')).rejects.toMatchObject({ errcode: 40001 }),
        ),
      );
      expect(wrong.calls('gettoken')).toBe(1);
    } finally {
      await wrong.close();
    }
  });

  it('should not retry errcode 45009 and should retry errcode -1 a bounded number of times', async () => {
    const { client } = await instance(uniquePrefix());
    await getUser(client);
    simulator.resetCalls();
    simulator.injectFault({ api: 'user/get', kind: 'errcode', errcode: 45009 });
    await expect(getUser(client)).rejects.toMatchObject({ errcode: 45009 });
    expect(simulator.calls('user/get')).toBe(1);
    simulator.clearFaults();
    simulator.resetCalls();
    simulator.injectFault({ api: 'user/get', kind: 'errcode', errcode: -1 });
    await expect(getUser(client)).rejects.toMatchObject({ errcode: -1 });
    expect(simulator.calls('user/get')).toBe(3);
    simulator.clearFaults();
    simulator.resetCalls();
    simulator.injectFault({ api: 'user/get', kind: 'errcode', errcode: -1, times: 1 });
    await expect(getUser(client)).resolves.toMatchObject({ userid: 'zhangsan' });
    expect(simulator.calls('user/get')).toBe(2);
  });
});
