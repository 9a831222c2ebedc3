import { connect } from 'node:net';
import os from 'node:os';
import { runServer } from '../../helpers/gateway-process';
import { freePort } from '../../helpers/redis-process';

// Where the server listens: `server/src/index.ts` as its own
// process.

jest.setTimeout(60_000);

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
