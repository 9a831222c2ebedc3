import { createCipheriv } from 'node:crypto';
import { getSignature } from '@wecom/crypto';
import fc from 'fast-check';
import { createCallbackCrypto } from '../../../server/src/callbacks';
import type { Simulator } from '../../../server/src/sandbox';
import { customerId } from '../../../server/src/sandbox';
import { APP_CALLBACK, DIRECTORY_CALLBACK } from '../../helpers/callbacks';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { capturingLogger } from '../../helpers/stores';

// One gateway with only the app receiver configured; requests made by hand, signed or not.
jest.setTimeout(60_000);

let simulator: Simulator;
let gateway: TestGateway;
const captured = capturingLogger('info');
const ADMIN_TOKEN = 'refusals-test-admin-token-0123456789';

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({
    simulator,
    logger: captured.logger,
    env: {
      WECOM_APP_CALLBACK_TOKEN: APP_CALLBACK.token,
      WECOM_APP_CALLBACK_AES_KEY: APP_CALLBACK.encodingAesKey,
      ADMIN_TOKEN,
      VERIFY_FILES: 'WW_verify_Ab12Cd34Ef56Gh78.txt=Ab12Cd34Ef56Gh78,MP_verify_Q1w2E3.txt=Q1w2E3',
    },
  });
});

afterAll(async () => {
  await gateway?.close();
});

const crypto = () => createCallbackCrypto({ keys: APP_CALLBACK, receiveId: simulator.corpId });

const eventXml = (externalUserId: string) =>
  `<xml><ToUserName><![CDATA[${simulator.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[edit_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[${externalUserId}]]></ExternalUserID></xml>`;

const envelope = (encrypt: string) =>
  `<xml><ToUserName><![CDATA[${simulator.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;

const query = (q: { msgSignature: string; timestamp: string; nonce: string }) =>
  `msg_signature=${q.msgSignature}&timestamp=${q.timestamp}&nonce=${q.nonce}`;

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  return gateway.request('POST', path, { rawBody: body, headers });
}

async function eventCount(): Promise<number> {
  const answer = await gateway.request<{ events: unknown[] }>(
    'GET',
    '/api/admin/events?limit=500',
    {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    },
  );
  return answer.body.events.length;
}

describe('a well-formed delivery', () => {
  it('is answered with an empty 200 whatever its Content-Type, and recorded', async () => {
    const before = await eventCount();
    for (const contentType of ['text/xml', 'application/json', 'application/octet-stream', '']) {
      const sealed = crypto().seal(eventXml(customerId(contentType.length + 1)));
      const answer = await post(`/wecom/callback/app?${query(sealed)}`, envelope(sealed.encrypt), {
        'content-type': contentType,
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
    }
    expect(await eventCount()).toBe(before + 4);
  });

  it('answers a verification with the echo as bare plain text', async () => {
    const echostr = crypto().seal('1288432023552776189');
    const answer = await gateway.request(
      'GET',
      `/wecom/callback/app?${query(echostr)}&echostr=${encodeURIComponent(echostr.encrypt)}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('1288432023552776189');
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});

describe('refused deliveries: 4xx, nothing applied, nothing recorded, one warning without payload', () => {
  const secretMarker = customerId(21);

  const cases: [string, () => { path: string; body: string }, number, string][] = [
    [
      'tampered signature',
      () => {
        const sealed = crypto().seal(eventXml(secretMarker));
        const sig = `${sealed.msgSignature.slice(0, -1)}${sealed.msgSignature.endsWith('0') ? '1' : '0'}`;
        return {
          path: `/wecom/callback/app?${query({ ...sealed, msgSignature: sig })}`,
          body: envelope(sealed.encrypt),
        };
      },
      401,
      'signature',
    ],
    [
      'wrong receiveid',
      () => {
        const other = createCallbackCrypto({ keys: APP_CALLBACK, receiveId: 'wwAnotherCorp000' });
        const sealed = other.seal(eventXml(secretMarker));
        return { path: `/wecom/callback/app?${query(sealed)}`, body: envelope(sealed.encrypt) };
      },
      403,
      'receiveid',
    ],
    [
      'wrong key',
      () => {
        const other = createCallbackCrypto({
          keys: { ...APP_CALLBACK, encodingAesKey: DIRECTORY_CALLBACK.encodingAesKey },
          receiveId: simulator.corpId,
        });
        const sealed = other.seal(eventXml(secretMarker));
        return { path: `/wecom/callback/app?${query(sealed)}`, body: envelope(sealed.encrypt) };
      },
      400,
      'undecryptable',
    ],
    [
      'truncated ciphertext',
      () => {
        const sealed = crypto().seal(eventXml(secretMarker));
        const bytes = Buffer.from(sealed.encrypt, 'base64');
        const cut = bytes.subarray(0, bytes.length - 32).toString('base64');
        const signed = {
          ...sealed,
          msgSignature: getSignature(APP_CALLBACK.token, sealed.timestamp, sealed.nonce, cut),
        };
        return { path: `/wecom/callback/app?${query(signed)}`, body: envelope(cut) };
      },
      400,
      'undecryptable',
    ],
    [
      'bad padding',
      () => {
        const key = Buffer.from(`${APP_CALLBACK.encodingAesKey}=`, 'base64');
        const message = Buffer.from(eventXml(secretMarker));
        const length = Buffer.alloc(4);
        length.writeUInt32BE(message.length);
        const plain = Buffer.concat([
          Buffer.alloc(16, 1),
          length,
          message,
          Buffer.from(simulator.corpId),
        ]);
        const count = 32 - (plain.length % 32);
        const padded = Buffer.concat([plain, Buffer.alloc(count, 40)]); // pad byte 40 > 32
        const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
        cipher.setAutoPadding(false);
        const encrypt = Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
        const timestamp = String(Math.floor(Date.now() / 1000));
        const signed = {
          msgSignature: getSignature(APP_CALLBACK.token, timestamp, '1234', encrypt),
          timestamp,
          nonce: '1234',
        };
        return { path: `/wecom/callback/app?${query(signed)}`, body: envelope(encrypt) };
      },
      400,
      'undecryptable',
    ],
    [
      'old timestamp',
      () => {
        const sealed = crypto().seal(eventXml(secretMarker), {
          timestamp: String(Math.floor(Date.now() / 1000) - 600),
        });
        return { path: `/wecom/callback/app?${query(sealed)}`, body: envelope(sealed.encrypt) };
      },
      403,
      'timestamp',
    ],
    [
      'XML bomb in the envelope',
      () => {
        const sealed = crypto().seal(eventXml(secretMarker));
        const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Encrypt>&c;</Encrypt></xml>`;
        return { path: `/wecom/callback/app?${query(sealed)}`, body: bomb };
      },
      400,
      'xml',
    ],
    [
      'XML bomb inside a correctly encrypted message',
      () => {
        const sealed = crypto().seal(
          `<!DOCTYPE x [<!ENTITY a "${secretMarker}">]><xml><MsgType>event</MsgType><Event>change_external_contact</Event><ExternalUserID>&a;</ExternalUserID></xml>`,
        );
        return { path: `/wecom/callback/app?${query(sealed)}`, body: envelope(sealed.encrypt) };
      },
      400,
      'xml',
    ],
    [
      'body over 64 KiB',
      () => {
        const sealed = crypto().seal(eventXml(secretMarker));
        return {
          path: `/wecom/callback/app?${query(sealed)}`,
          body: envelope(sealed.encrypt).replace(
            '</xml>',
            `<Pad>${'x'.repeat(70_000)}</Pad></xml>`,
          ),
        };
      },
      413,
      'too_large',
    ],
  ];

  it.each(cases)('%s', async (_name, make, status, reason) => {
    const before = await eventCount();
    const lines = captured.lines.length;
    const { path, body } = make();
    const answer = await post(path, body, { 'content-type': 'text/xml' });
    expect(answer.status).toBe(status);
    expect(answer.text).not.toContain(secretMarker);
    expect(await eventCount()).toBe(before);
    const logged = captured.lines.slice(lines).filter((line) => line.includes('"level":40'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`"reason":"${reason}"`);
    expect(logged[0]).not.toContain(secretMarker);
    expect(logged[0]).not.toContain('Encrypt');
    const metrics = (await gateway.request<string>('GET', '/metrics')).text;
    expect(metrics).toMatch(
      new RegExp(`wecom_callback_rejections_total\\{receiver="app",reason="${reason}"\\} [1-9]`),
    );
  });

  it('an unconfigured or unknown receiver is an unknown route (404), its body unread', async () => {
    const sealed = crypto().seal(eventXml(secretMarker));
    for (const receiver of ['directory', 'customer', '..%2Fadmin']) {
      const answer = await post(
        `/wecom/callback/${receiver}?${query(sealed)}`,
        envelope(sealed.encrypt),
      );
      expect(answer.status).toBe(404);
      expect(errorBody(answer.body).code).toBe('request.not_found');
    }
    const metrics = (await gateway.request<string>('GET', '/metrics')).text;
    expect(metrics).toMatch(
      /wecom_callback_rejections_total\{receiver="unknown",reason="not_configured"\} [1-9]/,
    );
  });

  it('a replayed delivery is answered 200 and applied once', async () => {
    const before = await eventCount();
    const sealed = crypto().seal(eventXml(customerId(22)));
    for (let i = 0; i < 3; i++)
      expect(
        (await post(`/wecom/callback/app?${query(sealed)}`, envelope(sealed.encrypt))).status,
      ).toBe(200);
    expect(await eventCount()).toBe(before + 1);
  });
});

describe('1,000 random requests', () => {
  it('never produce a 5xx', async () => {
    const sealed = crypto().seal(eventXml(customerId(23)));
    const part = <T>(valid: T, arbitrary: fc.Arbitrary<T>) =>
      fc.oneof(fc.constant(valid), arbitrary);
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST'),
      receiver: fc.constantFrom('app', 'directory', 'x'),
      msgSignature: part(sealed.msgSignature, fc.string({ maxLength: 60 })),
      timestamp: part(sealed.timestamp, fc.string({ maxLength: 14 })),
      nonce: part(sealed.nonce, fc.string({ maxLength: 70 })),
      echostr: fc.option(part(sealed.encrypt, fc.base64String({ maxLength: 200 }))),
      body: fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.base64String({ maxLength: 400 }).map(envelope),
        fc.constant(envelope(sealed.encrypt)),
        fc.string({ maxLength: 200 }).map((inner) => `<xml><Encrypt>${inner}</Encrypt></xml>`),
      ),
      contentType: fc.constantFrom('text/xml', 'application/json', '', 'x/y'),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const params = new URLSearchParams({
          msg_signature: r.msgSignature,
          timestamp: r.timestamp,
          nonce: r.nonce,
          ...(r.echostr === null ? {} : { echostr: r.echostr }),
        });
        const response = await fetch(`${gateway.url}/wecom/callback/${r.receiver}?${params}`, {
          method: r.method,
          headers: r.contentType ? { 'content-type': r.contentType } : {},
          body: r.method === 'POST' ? r.body : undefined,
        });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('verification files', () => {
  it('serves the configured WW_verify / MP_verify files as plain text, nothing else', async () => {
    const ww = await gateway.request('GET', '/WW_verify_Ab12Cd34Ef56Gh78.txt');
    expect(ww.status).toBe(200);
    expect(ww.text).toBe('Ab12Cd34Ef56Gh78');
    expect(ww.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await gateway.request('GET', '/MP_verify_Q1w2E3.txt')).text).toBe('Q1w2E3');
    for (const path of [
      '/WW_verify_other.txt',
      '/MP_verify_Q1w2E3.txt.bak',
      '/ww_verify_Ab12Cd34Ef56Gh78.txt',
      '/.env',
    ])
      expect((await gateway.request('GET', path)).status).toBe(404);
  });
});
