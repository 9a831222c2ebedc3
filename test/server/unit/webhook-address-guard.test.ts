import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDeliveryAgent,
  isForbiddenAddress,
} from '../../../server/src/webhooks/address-guard';
import { sendMessage } from '../../../server/src/webhooks/delivery';
import { startReceiver, type TestReceiver } from '../../helpers/webhook-receiver';

// The SSRF guard at connection time: what a delivery connects to, after DNS, whatever the URL
// said when it was saved.

const SECRET = `whsec_${Buffer.from('a test secret of 24 bytes').toString('base64')}`;
const message = { id: 'msg_test', type: 'ping', body: '{"type":"ping","timestamp":"","data":{}}' };

describe('forbidden addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['169.254.169.254', true],
    ['10.0.0.1', true],
    ['172.16.5.4', true],
    ['192.168.1.1', true],
    ['100.100.100.200', true],
    ['224.0.0.251', true],
    ['fd00:ec2::254', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', true],
    ['8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['not-an-address', true],
  ])('%s → %s', (address, expected) => {
    expect(isForbiddenAddress(address)).toBe(expected);
  });
});

describe('a delivery connects only to allowed addresses', () => {
  let receiver: TestReceiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.secret = SECRET;
  });
  afterAll(() => receiver.close());

  const send = async (url: string, allowPrivateNetworks: boolean) => {
    const agent = createDeliveryAgent({
      allowPrivateNetworks,
      connectTimeoutMs: 2000,
      connections: 1,
    });
    try {
      return await sendMessage({
        agent,
        url,
        secrets: [SECRET],
        message,
        timeoutMs: 2000,
        now: Date.now,
      });
    } finally {
      await agent.close();
    }
  };

  it('refuse a name that resolves to loopback, before connecting', async () => {
    const { port } = new URL(receiver.url);
    const outcome = await send(`http://localhost:${port}/hook`, false);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/url_not_allowed: localhost resolves to/);
    expect(receiver.hits).toBe(0);
  });

  it('refuse an address literal on loopback (the socket address is checked)', async () => {
    const outcome = await send(receiver.url, false);
    expect(outcome.error).toMatch(/url_not_allowed/);
    expect(receiver.hits).toBe(0);
  });

  it('deliver there with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', async () => {
    const outcome = await send(receiver.url, true);
    expect(outcome).toMatchObject({ ok: true, status: 204 });
    expect(receiver.hits).toBe(1);
  });

  it('never follow a redirect (here to loopback)', async () => {
    const before = receiver.hits;
    const redirecting = http.createServer((_request, response) =>
      response.writeHead(302, { location: receiver.url }).end(),
    );
    redirecting.listen(0, '127.0.0.1');
    await new Promise((resolve) => redirecting.once('listening', resolve));
    try {
      const { port } = redirecting.address() as AddressInfo;
      const outcome = await send(`http://127.0.0.1:${port}/`, true);
      expect(outcome).toMatchObject({ ok: false, status: 302 });
      expect(receiver.hits).toBe(before);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });
});
