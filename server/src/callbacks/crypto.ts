import { randomBytes, timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { isValidEncodingAesKey, TOKEN_PATTERN } from '../config';
import { CallbackError } from './errors';

/**
 * WeCom's callback crypto (WXBizMsgCrypt) for one receiver: a thin wrapper over `@wecom/crypto`
 * (SHA-1 signature over the sorted token, timestamp, nonce and ciphertext; AES-256-CBC with the
 * IV = the key's first 16 bytes and PKCS#7 padding to 32-byte blocks; plaintext = 16 random bytes
 * ‖ message length (uint32 big-endian) ‖ message ‖ receiveid).
 *
 * What the library does not do, and this wrapper adds:
 * - the signature is compared in constant time (the library only computes it);
 * - the receiveid must equal ours (the corp ID); the library hands back whatever is there;
 * - length and shape checks before decrypting (canonical base64, a whole number of 32-byte
 *   blocks, bounded size): the library throws raw RangeErrors on short input;
 * - padding and message length: the library's unpad silently keeps a pad byte outside 1..32 and
 *   never checks the other pad bytes, and it slices past a message length that overruns the
 *   buffer. With a wrong key it therefore returns garbage instead of failing. Here every opened
 *   ciphertext must re-encrypt, with the random bytes it carried, to exactly the bytes received:
 *   that holds only for a well-formed plaintext (right padding, exact length, valid UTF-8), so a
 *   wrong key, a bad pad or a bad length is an error, never garbage;
 * - a timestamp window: a request more than `windowSeconds` from now is refused (a replay).
 */

export { isValidEncodingAesKey, TOKEN_PATTERN };
/** A request further than this from our clock is refused. */
export const TIMESTAMP_WINDOW_SECONDS = 300;
/** Ciphertexts longer than this are refused before decoding (the body limit is 64 KiB). */
const MAX_CIPHERTEXT_CHARS = 96 * 1024;
const BLOCK = 32;

const SIGNATURE = /^[0-9a-fA-F]{40}$/;
const TIMESTAMP = /^\d{1,12}$/;
const NONCE = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface CallbackKeys {
  token: string;
  encodingAesKey: string;
}

/** The signed query parameters of every callback request (URL-decoded once). */
export interface SignedQuery {
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

export interface Sealed {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

export interface CallbackCrypto {
  /** URL verification: checks and decrypts `echostr`; answers the echo to send back as is. */
  openEcho(query: SignedQuery, echostr: string): string;
  /** An event: checks and decrypts the envelope's `Encrypt`; answers the plaintext message. */
  openMessage(query: SignedQuery, ciphertext: string): string;
  /** Encrypts and signs a message as WeCom does (the doctor's self-test, tests). */
  seal(message: string, options?: { timestamp?: string; nonce?: string }): Sealed;
}

export function createCallbackCrypto(options: {
  keys: CallbackKeys;
  /** The receiveid that must close every plaintext: the corp ID for a self-built app. */
  receiveId: string;
  now?: () => number;
  windowSeconds?: number;
}): CallbackCrypto {
  const { keys, receiveId, now = Date.now } = options;
  const windowSeconds = options.windowSeconds ?? TIMESTAMP_WINDOW_SECONDS;
  if (!isValidEncodingAesKey(keys.encodingAesKey)) throw new Error('invalid EncodingAESKey');

  const checkQuery = (query: SignedQuery) => {
    if (
      !SIGNATURE.test(query.msgSignature) ||
      !TIMESTAMP.test(query.timestamp) ||
      !NONCE.test(query.nonce)
    )
      throw new CallbackError('malformed');
  };

  const checkCiphertext = (ciphertext: string) => {
    if (
      ciphertext.length === 0 ||
      ciphertext.length > MAX_CIPHERTEXT_CHARS ||
      ciphertext.length % 4 !== 0 ||
      !BASE64.test(ciphertext)
    )
      throw new CallbackError('malformed');
    const bytes = Buffer.from(ciphertext, 'base64');
    // Canonical base64 only, so that the round trip below compares like with like.
    if (bytes.length === 0 || bytes.length % BLOCK !== 0 || bytes.toString('base64') !== ciphertext)
      throw new CallbackError('malformed');
  };

  const checkSignature = (query: SignedQuery, ciphertext: string) => {
    const expected = Buffer.from(
      getSignature(keys.token, query.timestamp, query.nonce, ciphertext),
      'latin1',
    );
    const given = Buffer.from(query.msgSignature.toLowerCase(), 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new CallbackError('signature');
  };

  const checkTimestamp = (query: SignedQuery) => {
    if (Math.abs(now() / 1000 - Number(query.timestamp)) > windowSeconds)
      throw new CallbackError('timestamp');
  };

  const open = (query: SignedQuery, ciphertext: string): string => {
    checkQuery(query);
    checkCiphertext(ciphertext);
    checkSignature(query, ciphertext);
    checkTimestamp(query);
    let opened: ReturnType<typeof decrypt>;
    try {
      opened = decrypt(keys.encodingAesKey, ciphertext);
    } catch (error) {
      throw new CallbackError('undecryptable', { cause: error });
    }
    if (
      opened.random.length !== 16 ||
      encrypt(keys.encodingAesKey, opened.message, opened.id, opened.random) !== ciphertext
    )
      throw new CallbackError('undecryptable');
    if (opened.id !== receiveId) throw new CallbackError('receiveid');
    return opened.message;
  };

  return {
    openEcho: open,
    openMessage: open,
    seal(message, sealOptions = {}) {
      const timestamp = sealOptions.timestamp ?? String(Math.floor(now() / 1000));
      const nonce = sealOptions.nonce ?? String(randomBytes(4).readUInt32BE(0));
      const ciphertext = encrypt(keys.encodingAesKey, message, receiveId, randomBytes(16));
      return {
        encrypt: ciphertext,
        msgSignature: getSignature(keys.token, timestamp, nonce, ciphertext),
        timestamp,
        nonce,
      };
    },
  };
}
