/**
 * Why a callback delivery was refused. The HTTP edge (middleware/error-mapping.ts) turns each
 * reason into an error code; the reason is also the `reason` label of the rejection counter in
 * /metrics. Nothing here knows about HTTP, and no reason carries any part of the payload.
 */
export type CallbackFailure =
  /** No such receiver, or one without a Token and EncodingAESKey (answered as an unknown route). */
  | 'not_configured'
  /** Query parameters missing or malformed, a body that is not the envelope, a bad ciphertext shape. */
  | 'malformed'
  /** The body is over the callback body limit. */
  | 'too_large'
  /** A DOCTYPE, entity declaration or other markup we never parse, or XML that does not parse. */
  | 'xml'
  /** msg_signature does not match (another Token, or a forged or altered request). */
  | 'signature'
  /** The timestamp is too far from now (a replay, or a clock far off). */
  | 'timestamp'
  /** Does not decrypt with this receiver's EncodingAESKey: bad padding, bad length, wrong key. */
  | 'undecryptable'
  /** Decrypts, but was encrypted for another receiver id (another corp). */
  | 'receiveid';

export class CallbackError extends Error {
  readonly reason: CallbackFailure;

  constructor(reason: CallbackFailure, options: { cause?: unknown } = {}) {
    super(`callback refused: ${reason}`, options);
    this.name = 'CallbackError';
    this.reason = reason;
  }
}
