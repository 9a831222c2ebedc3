import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt, getSignature } from '@wecom/crypto';
import { registerSecret } from './leak-check';

/**
 * A provider's 指令回调 receiver on loopback, as a provider's server would run it: it answers the
 * URL verification with the decrypted echostr, and each POST with `answer` (WeCom wants
 * `success`), after checking the signature and decrypting with the suite's keys. It records what
 * it received, the receiveid included, for tests to assert on.
 */

export interface SuiteKeys {
  token: string;
  encodingAesKey: string;
}

/** Keys of the two demo suites' 指令回调 (valid per the provider admin's rules), registered as secrets. */
export const THIRD_PARTY_SUITE_CALLBACK: SuiteKeys = {
  token: 'TestThirdPartySuiteToken01234567',
  encodingAesKey: 'TestThirdPartySuiteEncodingAesKey0123456789',
};
export const CUSTOM_SUITE_CALLBACK: SuiteKeys = {
  token: 'TestCustomTemplateSuiteToken0123',
  encodingAesKey: 'TestCustomTemplateSuiteEncodingAesKey012345',
};
for (const keys of [THIRD_PARTY_SUITE_CALLBACK, CUSTOM_SUITE_CALLBACK]) {
  registerSecret(keys.token);
  registerSecret(keys.encodingAesKey);
}

export interface SuiteMessage {
  /** The POST body as sent: `<xml><ToUserName>…<Encrypt>…<AgentID>…</xml>`. */
  envelope: string;
  /** The decrypted message. */
  message: string;
  /** The receiveid at the end of the plaintext. */
  receiveid: string;
  /** msg_signature matched the Token, timestamp, nonce and Encrypt. */
  signed: boolean;
}

export interface SuiteReceiver {
  url: string;
  /** The receiveid of each URL verification. */
  verifications: string[];
  messages: SuiteMessage[];
  /** The body each POST is answered with. */
  answer: string;
  /** The messages whose InfoType is `infoType`. */
  ofType(infoType: string): SuiteMessage[];
  close(): Promise<void>;
}

/** A field of a message: `<Name><![CDATA[value]]></Name>` or `<Name>value</Name>`. */
export function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(
    xml,
  );
  return match ? (match[1] ?? match[2]) : undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSuiteReceiver(keys: SuiteKeys): Promise<SuiteReceiver> {
  const server = createServer(async (request, response) => {
    const query = new URL(request.url ?? '/', 'http://x').searchParams;
    if (request.method === 'GET') {
      try {
        const { message, id } = decrypt(keys.encodingAesKey, query.get('echostr') ?? '');
        receiver.verifications.push(id);
        response.end(message);
      } catch {
        // Encrypted with other keys: what a provider's server answers it cannot decrypt.
        response.writeHead(400).end('decrypt failed');
      }
      return;
    }
    const envelope = await readBody(request);
    const encrypted = xmlField(envelope, 'Encrypt') ?? '';
    const signed =
      getSignature(
        keys.token,
        query.get('timestamp') ?? '',
        query.get('nonce') ?? '',
        encrypted,
      ) === query.get('msg_signature');
    const { message, id } = decrypt(keys.encodingAesKey, encrypted);
    receiver.messages.push({ envelope, message, receiveid: id, signed });
    response.end(receiver.answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: SuiteReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/suite/callback`,
    verifications: [],
    messages: [],
    answer: 'success',
    ofType: (infoType) =>
      receiver.messages.filter((m) => xmlField(m.message, 'InfoType') === infoType),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return receiver;
}
