import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt, getSignature } from '@wecom/crypto';
import { customerId, groupChatId, type Simulator } from '../../../server/src/sandbox';
import { APP_CALLBACK } from '../../helpers/callbacks';
import { startTestSimulator } from '../../helpers/simulator';

// The simulator's side of the callbacks against a bare HTTP server standing in for the gateway:
// verification, encryption, retries on a late or non-200 answer.
jest.setTimeout(30_000);

interface Received {
  method: string;
  query: URLSearchParams;
  body: string;
  contentType?: string;
}

let simulator: Simulator;
let server: Server;
let url: string;
const received: Received[] = [];
/** How the stand-in answers each request, in order; then 200. */
let script: ('ok' | 'late' | 500)[] = [];

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

beforeAll(async () => {
  simulator = await startTestSimulator({
    callbackDeadlineMs: 300,
    callbackRetryDelayMs: 10,
    callbackVerifyDeadlineMs: 1000,
  });
  server = createServer(async (request, response) => {
    const query = new URL(request.url ?? '/', 'http://x').searchParams;
    const body = await readBody(request);
    received.push({
      method: request.method ?? '',
      query,
      body,
      contentType: request.headers['content-type'],
    });
    if (request.method === 'GET') {
      // A correct receiver: decrypt the echostr and answer it.
      const { message } = decrypt(APP_CALLBACK.encodingAesKey, query.get('echostr') ?? '');
      response.end(message);
      return;
    }
    const next = script.shift() ?? 'ok';
    if (next === 'late') {
      setTimeout(() => response.end(), 1000);
      return;
    }
    response.statusCode = next === 'ok' ? 200 : next;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wecom/callback/app`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const encryptedOf = (body: string) =>
  /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)![1]!;

describe('simulator callbacks', () => {
  it('verify the URL with a signed, encrypted echostr before keeping it', async () => {
    received.length = 0;
    expect(await simulator.registerCallback('app', { url, ...APP_CALLBACK })).toEqual({
      verified: true,
      status: 200,
    });
    const [get] = received;
    const echostr = get!.query.get('echostr')!;
    expect(get!.query.get('msg_signature')).toBe(
      getSignature(
        APP_CALLBACK.token,
        get!.query.get('timestamp')!,
        get!.query.get('nonce')!,
        echostr,
      ),
    );
    expect(decrypt(APP_CALLBACK.encodingAesKey, echostr).id).toBe(simulator.corpId);
  });

  it('do not keep a URL whose answer is wrong', async () => {
    const wrong = await simulator.registerCallback('directory', {
      url: url.replace('/wecom/', '/nowhere/'),
      token: APP_CALLBACK.token,
      encodingAesKey: 'AnotherKey0123456789AnotherKey0123456789abc',
    });
    expect(wrong.verified).toBe(false);
    // No directory URL kept: the change happens, nothing is pushed.
    expect(await simulator.deleteEmployee('yangfan')).toEqual([]);
  });

  it('push an encrypted, signed event like WeCom (CDATA envelope with AgentID)', async () => {
    received.length = 0;
    const [delivery] = await simulator.removeFollower(customerId(29), 'lisi');
    expect(delivery).toMatchObject({ delivered: true, event: 'change_external_contact' });
    const [post] = received;
    expect(post!.method).toBe('POST');
    expect(post!.body).toContain(`<AgentID><![CDATA[1000002]]></AgentID>`);
    const encrypt = encryptedOf(post!.body);
    expect(post!.query.get('msg_signature')).toBe(
      getSignature(
        APP_CALLBACK.token,
        post!.query.get('timestamp')!,
        post!.query.get('nonce')!,
        encrypt,
      ),
    );
    const { message, id } = decrypt(APP_CALLBACK.encodingAesKey, encrypt);
    expect(id).toBe(simulator.corpId);
    expect(message).toContain('<ChangeType><![CDATA[del_external_contact]]></ChangeType>');
    expect(message).toContain(`<ExternalUserID><![CDATA[${customerId(29)}]]></ExternalUserID>`);
    // And the world changed: lisi no longer follows 29.
    await expect(simulator.removeFollower(customerId(29), 'lisi')).rejects.toThrow(
      'does not follow',
    );
  });

  it('retry a late answer and a non-200, each attempt encrypted afresh', async () => {
    received.length = 0;
    script = ['late', 500];
    const [delivery] = (await simulator.pushEvent('app', {
      Event: 'change_external_chat',
      ChatId: groupChatId(1),
      ChangeType: 'update',
    }))!;
    expect(delivery!.attempts.map((attempt) => attempt.outcome)).toEqual(['timeout', 500, 200]);
    expect(delivery!.delivered).toBe(true);
    const ciphertexts = received.map((r) => encryptedOf(r.body));
    expect(new Set(ciphertexts).size).toBe(3);
    const messages = ciphertexts.map((c) => decrypt(APP_CALLBACK.encodingAesKey, c).message);
    expect(new Set(messages).size).toBe(1);
  });

  it('give up after three retries', async () => {
    script = [500, 500, 500, 500, 500];
    const [delivery] = (await simulator.pushEvent('app', { Event: 'subscribe', UserID: 'lisi' }))!;
    expect(delivery!.attempts).toHaveLength(4);
    expect(delivery!.delivered).toBe(false);
    script = [];
  });

  it('are driven over the control surface too', async () => {
    const put = await fetch(`${simulator.url}/sandbox/callbacks/app`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, ...APP_CALLBACK }),
    });
    expect(put.status).toBe(200);
    const change = await fetch(`${simulator.url}/sandbox/world/dismiss-group`, {
      method: 'POST',
      body: JSON.stringify({ chatId: groupChatId(2) }),
    });
    expect(change.status).toBe(200);
    expect(await change.json()).toMatchObject({ deliveries: [{ delivered: true }] });
    const again = await fetch(`${simulator.url}/sandbox/world/dismiss-group`, {
      method: 'POST',
      body: JSON.stringify({ chatId: groupChatId(2) }),
    });
    expect(again.status).toBe(400);
    const list = (await (await fetch(`${simulator.url}/sandbox/callbacks/deliveries`)).json()) as {
      deliveries: { event: string }[];
    };
    expect(list.deliveries.at(-1)?.event).toBe('change_external_chat');
    // The group is gone from WeCom's API as well.
    expect(simulator.seed.groupChats.some((g) => g.chat_id === groupChatId(2))).toBe(false);
  });
});
