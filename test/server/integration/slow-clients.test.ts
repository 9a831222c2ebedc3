import { once } from 'node:events';
import { connect } from 'node:net';
import type { Simulator } from '../../../server/src/sandbox';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/gateway-process';
import { startTestSimulator } from '../../helpers/simulator';
import { testRedisUrl, uniquePrefix } from '../../helpers/stores';

// Slow and refused clients against the real server process, over raw sockets: the server closes
// the connection itself — after its header and request timeouts, and right after refusing a body —
// instead of holding it for Node's defaults (300 s for a request, forever while a refused body
// trickles in). Each test waits for that close; without it the test times out.

jest.setTimeout(45_000);

let simulator: Simulator;
let gateway: GatewayProcess;
beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startGatewayProcess({
    simulator,
    redisUrl: testRedisUrl(),
    prefix: uniquePrefix(),
  });
});

/** A raw connection: write HTTP by hand; `closed` resolves with all it received. */
async function rawConnection(): Promise<{ write(text: string): void; closed: Promise<string> }> {
  const { hostname, port } = new URL(gateway.url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => {}); // a reset after the server closed still counts as closed
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  return { write: (text) => socket.write(text), closed };
}

const statusLine = (received: string) => received.split('\r\n', 1)[0];
const headerOf = (received: string, name: string) =>
  new RegExp(`^${name}: *(.*)$`, 'im').exec(received.split('\r\n\r\n', 1)[0]!)?.[1];

describe('slow clients', () => {
  it('closes a connection whose headers or body never finish (408), not an idle keep-alive one', async () => {
    const headers = await rawConnection();
    headers.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: ');
    const body = await rawConnection();
    body.write(
      'POST /api/sessions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"code":',
    );
    // Control: a keep-alive connection idle for longer than the header timeout stays usable.
    const idle = await rawConnection();
    idle.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
    const [slowHeaders, slowBody] = await Promise.all([headers.closed, body.closed]);
    idle.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');

    expect(statusLine(slowHeaders)).toBe('HTTP/1.1 408 Request Timeout');
    expect(statusLine(slowBody)).toBe('HTTP/1.1 408 Request Timeout');
    expect((await idle.closed).match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
  });
});

describe('refused bodies', () => {
  it('answers 413 to a declared length over the limit and closes without reading on', async () => {
    const connection = await rawConnection();
    connection.write(
      'POST /api/sessions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000000\r\n\r\n{"code":"',
    );
    const received = await connection.closed;
    expect(statusLine(received)).toBe('HTTP/1.1 413 Payload Too Large');
    expect(headerOf(received, 'connection')).toBe('close');
    expect(received).toContain('"code":"request.too_large"');
  });

  it('answers 400 to a body that does not decode and closes without reading on', async () => {
    const connection = await rawConnection();
    connection.write(
      'POST /api/sessions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        'Content-Encoding: gzip\r\nContent-Length: 5000\r\n\r\nthis is not gzip',
    );
    const received = await connection.closed;
    expect(statusLine(received)).toBe('HTTP/1.1 400 Bad Request');
    expect(headerOf(received, 'connection')).toBe('close');
    expect(received).toContain('"code":"guard.invalid_input"');
  });

  it('closes when it refuses a request before reading its body (401)', async () => {
    const connection = await rawConnection();
    connection.write(
      'POST /api/external-contacts/lookup HTTP/1.1\r\nHost: gateway\r\n' +
        'Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"externalUserIds":',
    );
    const received = await connection.closed;
    expect(statusLine(received)).toBe('HTTP/1.1 401 Unauthorized');
    expect(headerOf(received, 'connection')).toBe('close');
  });
});
