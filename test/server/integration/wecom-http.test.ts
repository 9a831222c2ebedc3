import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { z } from 'zod';
import { type Simulator, startSimulator } from '../../../server/src/sandbox';
import { WecomApiError, WecomUnavailableError } from '../../../server/src/wecom/errors';
import { createWecomHttp, type WecomHttp } from '../../../server/src/wecom/http';
import { capturingLogger, silentLogger } from '../../helpers/stores';

// The WeCom HTTP layer against the simulator: deadline, bounded retries, proxy, guards, redaction.

const gettokenSchema = z.object({ access_token: z.string(), expires_in: z.number() });
let simulator: Simulator;
const clients: WecomHttp[] = [];

function client(options: Partial<Parameters<typeof createWecomHttp>[0]> = {}): WecomHttp {
  const created = createWecomHttp({
    apiBase: simulator.url,
    timeoutMs: 1000,
    logger: silentLogger(),
    backoffMs: 10,
    ...options,
  });
  clients.push(created);
  return created;
}

const gettoken = (http: WecomHttp, secret = simulator.wecomConfig().secrets.app) =>
  http.call({
    api: 'gettoken',
    query: { corpid: simulator.corpId, corpsecret: secret },
    schema: gettokenSchema,
    credential: 'app',
  });

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  for (const each of clients) await each.close();
  await simulator.close();
});
beforeEach(() => {
  simulator.clearFaults();
  simulator.resetCalls();
});

describe('WeCom HTTP client', () => {
  it('should keep connections alive: calls after the first ones open none', async () => {
    let opened = 0;
    const http = client({ onConnect: () => opened++ });
    // undici opens a second connection for the call right after the first one, then reuses.
    for (let i = 0; i < 20; i++) await gettoken(http);
    expect(opened).toBeLessThanOrEqual(2);
    const beforeBurst = opened;
    await Promise.all(Array.from({ length: 20 }, () => gettoken(http)));
    expect(opened - beforeBurst).toBeLessThanOrEqual(20);
    const afterBurst = opened;
    for (let i = 0; i < 20; i++) await gettoken(http);
    expect(opened).toBe(afterBurst);
    expect(simulator.calls('gettoken')).toBe(60);
  });

  it('should give up on a hanging WeCom at the deadline with wecom unavailable, without retrying', async () => {
    simulator.injectFault({ api: 'gettoken', kind: 'hang' });
    const started = performance.now();
    const error = await gettoken(client({ timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', api: 'gettoken' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(simulator.calls('gettoken')).toBe(1);
  });

  it.each([
    ['a dropped connection', { kind: 'drop' as const }],
    ['HTTP 502', { kind: 'http' as const, status: 502 }],
  ])('should retry %s a bounded number of times', async (_name, fault) => {
    simulator.injectFault({ api: 'gettoken', ...fault });
    await expect(gettoken(client())).rejects.toBeInstanceOf(WecomUnavailableError);
    expect(simulator.calls('gettoken')).toBe(3);
    simulator.clearFaults();
    simulator.resetCalls();
    simulator.injectFault({ api: 'gettoken', times: 1, ...fault });
    await expect(gettoken(client())).resolves.toMatchObject({ expires_in: 7200 });
    expect(simulator.calls('gettoken')).toBe(2);
  });

  it.each([
    ['a dropped connection', { kind: 'drop' as const }, WecomUnavailableError],
    ['errcode -1', { kind: 'errcode' as const, errcode: -1 }, WecomApiError],
  ])('should make a probe call once and answer %s as it came', async (_name, fault, type) => {
    simulator.injectFault({ api: 'gettoken', times: 1, ...fault });
    const http = client();
    const secret = simulator.wecomConfig().secrets.app;
    const probe = http.call({
      api: 'gettoken',
      query: { corpid: simulator.corpId, corpsecret: secret },
      schema: gettokenSchema,
      probe: true,
    });
    await expect(probe).rejects.toBeInstanceOf(type);
    expect(simulator.calls('gettoken')).toBe(1);
  });

  it('should carry errcode, hint and from ip of a refusal, and the credential name', async () => {
    const error = await gettoken(client(), 'wrong-secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomApiError);
    expect(error).toMatchObject({ errcode: 40001, api: 'gettoken', credential: 'app' });
    expect((error as WecomApiError).hint).toMatch(/^\d+$/);
    expect((error as WecomApiError).fromIp).toBe('127.0.0.1');
  });

  it('should check the answer against its schema', async () => {
    const http = client();
    const strict = z.object({ access_token: z.string(), expires_in: z.string() });
    const error = await http
      .call({
        api: 'gettoken',
        query: { corpid: simulator.corpId, corpsecret: simulator.wecomConfig().secrets.app },
        schema: strict,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'malformed' });
  });

  it('should never log the secret or the token', async () => {
    const { logger, lines } = capturingLogger('debug');
    const http = client({ logger });
    const secret = simulator.wecomConfig().secrets.app;
    const { access_token } = await gettoken(http);
    await gettoken(http, 'wrong-secret-value').catch(() => undefined);
    const text = lines.join('');
    expect(text).toContain('gettoken');
    for (const hidden of [secret, access_token, 'wrong-secret-value'])
      expect(text).not.toContain(hidden);
  });

  it('should send every call, gettoken included, through WECOM_PROXY', async () => {
    const tunnels: string[] = [];
    const proxy: Server = createHttpServer();
    proxy.on('connect', (request, clientSocket: Socket, head) => {
      tunnels.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const address = proxy.address() as { port: number };
      const http = client({ proxy: `http://127.0.0.1:${address.port}` });
      await expect(gettoken(http)).resolves.toMatchObject({ expires_in: 7200 });
      expect(tunnels).toEqual([new URL(simulator.url).host]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
