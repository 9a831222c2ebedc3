import { createCipheriv, randomBytes } from 'node:crypto';
import { getSignature } from '@wecom/crypto';
import {
  CallbackError,
  type CallbackFailure,
  createCallbackCrypto,
  isValidEncodingAesKey,
  type SignedQuery,
} from '../../../../server/src/callbacks';

// Official and peer test vectors (WeCom's Python sample, the legacy 企业号 doc example, wechatpy).
const SET1 = {
  token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  key: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  corpId: 'ww1436e0e65a779aee',
  get: {
    msgSignature: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb',
    timestamp: '1476416373',
    nonce: '47744683',
    echostr:
      'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==',
    echo: '1288432023552776189',
  },
  post: {
    msgSignature: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
    timestamp: '1476422779',
    nonce: '1597212914',
    encrypt:
      'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+',
    message:
      '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>',
  },
};
const SET2 = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
  get: {
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    echostr:
      'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    echo: '1616140317555161061',
  },
};
const SET3 = {
  token: '123456',
  key: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
  corpId: 'wx49f0ab532d5d035a',
  get: {
    msgSignature: 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96',
    timestamp: '1411443780',
    nonce: '437374425',
    echostr:
      '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==',
    echo: '5927782489442352469',
  },
};

type Vector = typeof SET1 | typeof SET2 | typeof SET3;

const cryptoFor = (set: Vector, at: string, receiveId = set.corpId) =>
  createCallbackCrypto({
    keys: { token: set.token, encodingAesKey: set.key },
    receiveId,
    now: () => Number(at) * 1000,
  });

function refusal(run: () => unknown): CallbackFailure | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof CallbackError) return error.reason;
    throw error;
  }
}

describe('callback crypto: official test vectors', () => {
  it.each([
    ['WeCom sample', SET1],
    ['企业号 doc', SET2],
    ['wechatpy', SET3],
  ] as const)('verifies the URL of the %s vector', (_name, set) => {
    const { echostr, echo, ...query } = set.get;
    expect(cryptoFor(set, query.timestamp).openEcho(query, echostr)).toBe(echo);
  });

  it('opens the WeCom sample message (32-byte padding: the pad byte is 22)', () => {
    const { encrypt, message, ...query } = SET1.post;
    expect(cryptoFor(SET1, query.timestamp).openMessage(query, encrypt)).toBe(message);
  });

  it('refuses the wechatpy request with the nonce changed by one (signature)', () => {
    const { echostr, ...query } = SET3.get;
    const crypto = cryptoFor(SET3, query.timestamp);
    expect(refusal(() => crypto.openEcho({ ...query, nonce: '437374424' }, echostr))).toBe(
      'signature',
    );
  });

  it('accepts the signature in upper case hex too (compared after lower-casing)', () => {
    const { echostr, echo, ...query } = SET1.get;
    const crypto = cryptoFor(SET1, query.timestamp);
    expect(
      crypto.openEcho({ ...query, msgSignature: query.msgSignature.toUpperCase() }, echostr),
    ).toBe(echo);
  });
});

describe('callback crypto: refusals before anything is processed', () => {
  const set = SET1;
  const { encrypt, message, ...query } = set.post;
  const crypto = cryptoFor(set, query.timestamp);
  const key = Buffer.from(`${set.key}=`, 'base64');

  /** AES-256-CBC of a plaintext we lay out by hand (padding included), signed with the Token. */
  function sealRaw(plain: Buffer): { query: SignedQuery; ciphertext: string } {
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    return {
      query: {
        ...query,
        msgSignature: getSignature(set.token, query.timestamp, query.nonce, ciphertext),
      },
      ciphertext,
    };
  }

  const layout = (text: string, receiveId: string) => {
    const body = Buffer.from(text);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    return Buffer.concat([randomBytes(16), length, body, Buffer.from(receiveId)]);
  };
  const pad = (data: Buffer, padByte?: number, fill?: number) => {
    const count = 32 - (data.length % 32);
    const padding = Buffer.alloc(count, fill ?? count);
    padding[count - 1] = padByte ?? count;
    return Buffer.concat([data, padding]);
  };

  it('accepts a hand-made plaintext laid out as WeCom does (the helpers are right)', () => {
    const sealed = sealRaw(pad(layout('<xml/>', set.corpId)));
    expect(crypto.openMessage(sealed.query, sealed.ciphertext)).toBe('<xml/>');
  });

  it('refuses a tampered signature', () => {
    const tampered = `${query.msgSignature.slice(0, -1)}${query.msgSignature.endsWith('0') ? '1' : '0'}`;
    expect(refusal(() => crypto.openMessage({ ...query, msgSignature: tampered }, encrypt))).toBe(
      'signature',
    );
  });

  it('refuses a tampered ciphertext under the original signature', () => {
    const bytes = Buffer.from(encrypt, 'base64');
    bytes[40]! ^= 1;
    expect(refusal(() => crypto.openMessage(query, bytes.toString('base64')))).toBe('signature');
  });

  it('refuses a message for another receiveid (corp ID)', () => {
    expect(
      refusal(() => cryptoFor(set, query.timestamp, 'wwSomeOtherCorp').openMessage(query, encrypt)),
    ).toBe('receiveid');
    const other = sealRaw(pad(layout('<xml/>', 'wwSomeOtherCorp')));
    expect(refusal(() => crypto.openMessage(other.query, other.ciphertext))).toBe('receiveid');
  });

  it('refuses, as an error and not garbage, a message encrypted with another key', () => {
    // Same Token (the signature holds), another EncodingAESKey.
    const wrongKey = createCallbackCrypto({
      keys: { token: set.token, encodingAesKey: SET3.key },
      receiveId: set.corpId,
      now: () => Number(query.timestamp) * 1000,
    });
    for (let i = 0; i < 50; i++) {
      const sealed = wrongKey.seal(`<xml><N>${i}</N></xml>`, { timestamp: query.timestamp });
      expect(refusal(() => crypto.openMessage(sealed, sealed.encrypt))).toBe('undecryptable');
    }
  });

  it('refuses truncated ciphertexts', () => {
    const bytes = Buffer.from(encrypt, 'base64');
    for (const cut of [16, 32, 64]) {
      const short = bytes.subarray(0, bytes.length - cut).toString('base64');
      const signedQuery = {
        ...query,
        msgSignature: getSignature(set.token, query.timestamp, query.nonce, short),
      };
      expect(['malformed', 'undecryptable']).toContain(
        refusal(() => crypto.openMessage(signedQuery, short)),
      );
    }
    const cutText = encrypt.slice(0, -3);
    expect(
      refusal(() =>
        crypto.openMessage(
          {
            ...query,
            msgSignature: getSignature(set.token, query.timestamp, query.nonce, cutText),
          },
          cutText,
        ),
      ),
    ).toBe('malformed');
  });

  it('refuses bad padding: a pad byte of 0 or above 32, or pad bytes that differ', () => {
    const plain = layout('<xml/>', set.corpId);
    for (const padded of [pad(plain, 0), pad(plain, 33), pad(plain, undefined, 7)]) {
      const sealed = sealRaw(padded);
      expect(refusal(() => crypto.openMessage(sealed.query, sealed.ciphertext))).toBe(
        'undecryptable',
      );
    }
  });

  it('refuses a message length that overruns the plaintext', () => {
    const plain = layout('<xml/>', set.corpId);
    plain.writeUInt32BE(10_000, 16);
    const sealed = sealRaw(pad(plain));
    expect(refusal(() => crypto.openMessage(sealed.query, sealed.ciphertext))).toBe(
      'undecryptable',
    );
  });

  it('refuses a timestamp more than 5 minutes away, either side', () => {
    const at = Number(query.timestamp);
    for (const offset of [-301, 301, -86_400]) {
      const sealed = crypto.seal('<xml/>', { timestamp: String(at + offset) });
      expect(refusal(() => crypto.openMessage(sealed, sealed.encrypt))).toBe('timestamp');
    }
    const inside = crypto.seal('<xml/>', { timestamp: String(at - 299) });
    expect(crypto.openMessage(inside, inside.encrypt)).toBe('<xml/>');
  });

  it('refuses malformed query parameters and ciphertexts', () => {
    for (const bad of [
      { ...query, msgSignature: 'xyz' },
      { ...query, timestamp: '-1' },
      { ...query, nonce: '' },
      { ...query, nonce: 'a b' },
    ])
      expect(refusal(() => crypto.openMessage(bad, encrypt))).toBe('malformed');
    for (const ciphertext of ['', 'not base64!', `${encrypt}\n`, 'AAAA'])
      expect(refusal(() => crypto.openMessage(query, ciphertext))).toBe('malformed');
  });

  it('seals what it opens, and what WeCom opens (round trip with the vector keys)', () => {
    const sealed = crypto.seal('<xml><A>中文</A></xml>', { timestamp: query.timestamp });
    expect(crypto.openMessage(sealed, sealed.encrypt)).toBe('<xml><A>中文</A></xml>');
  });
});

describe('EncodingAESKey validation', () => {
  it('takes 43 base64 characters that decode to 32 bytes, nothing else', () => {
    expect(isValidEncodingAesKey(SET1.key)).toBe(true);
    expect(isValidEncodingAesKey(SET1.key.slice(1))).toBe(false);
    expect(isValidEncodingAesKey(`${SET1.key}=`)).toBe(false);
    expect(isValidEncodingAesKey(`${SET1.key.slice(1)} `)).toBe(false);
    expect(isValidEncodingAesKey(`${SET1.key.slice(1)}-`)).toBe(false);
  });
});
