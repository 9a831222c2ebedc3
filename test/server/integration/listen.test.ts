import { connect, createServer, type Server } from 'node:net';
import os from 'node:os';
import { runServer } from '../../helpers/gateway-process';
import { freePort } from '../../helpers/redis-process';
import { testRedisUrl, uniquePrefix } from '../../helpers/stores';

// Where the server listens, and what it says when it cannot: `server/src/index.ts` as its own
// process.

jest.setTimeout(60_000);

/** A TCP listener holding `port` on `host` until closed. */
async function occupy(port: number, host: string): Promise<Server> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, host, resolve));
  return blocker;
}

/** An IPv4 address of this machine other than loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
}

async function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('listen address', () => {
  it('binds to 127.0.0.1 in sandbox mode', async () => {
    const port = await freePort();
    const server = runServer({ PORT: String(port), LOG_LEVEL: 'info' });
    const listening = await server.logLine('wecom-gate listening');
    expect(listening.address).toMatchObject({ address: '127.0.0.1', port });
    // The tests run the server where no .env is: a developer's .env changes nothing here.
    expect(listening.envFile).toBeUndefined();
    expect(await connects('127.0.0.1', port)).toBe(true);
    const external = externalAddress();
    if (external) expect(await connects(external, port)).toBe(false);
  });

  it('binds where HOST says, in sandbox mode too', async () => {
    const port = await freePort();
    const server = runServer({ PORT: String(port), HOST: '0.0.0.0', LOG_LEVEL: 'info' });
    const listening = await server.logLine('wecom-gate listening');
    expect(listening.address).toMatchObject({ address: '0.0.0.0', port });
  });
});

describe('a port that is taken', () => {
  it('prints one line naming PORT and HOST and exits 1', async () => {
    const port = await freePort();
    const blocker = await occupy(port, '127.0.0.1');
    try {
      const server = runServer({ PORT: String(port), LOG_LEVEL: 'warn' });
      expect(await server.exited).toBe(1);
      const lines = server.stderr().trimEnd().split('\n');
      expect(lines).toEqual([
        `wecom-gate cannot listen on HOST=127.0.0.1 PORT=${port}: the port is in use (EADDRINUSE); stop what holds it or set another PORT`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('stops every worker and exits 1 instead of restarting them (WEB_CONCURRENCY)', async () => {
    const port = await freePort();
    const blocker = await occupy(port, '127.0.0.1');
    try {
      const server = runServer({
        PORT: String(port),
        HOST: '127.0.0.1',
        WEB_CONCURRENCY: '2',
        WECOM_CORP_ID: 'ww0123456789abcdef',
        WECOM_APP_SECRET: 'unused-no-wecom-call-is-made',
        JWT_SECRET: 'listen-test-jwt-secret-0123456789abcdef',
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: uniquePrefix(),
        LOG_LEVEL: 'silent',
      });
      expect(await server.exited).toBe(1);
      for (const line of server.stderr().trimEnd().split('\n'))
        expect(line).toMatch(
          /^wecom-gate cannot listen on HOST=127\.0\.0\.1 PORT=\d+: .*EADDRINUSE/,
        );
    } finally {
      blocker.close();
    }
  });
});
