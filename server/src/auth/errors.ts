/**
 * Why an employee's login or session was refused. The HTTP edge (middleware/error-mapping.ts)
 * turns each reason into an error code; nothing here knows about HTTP.
 */
export type AuthFailure =
  /** No token, or a token that fails verification. */
  | 'unauthenticated'
  /** A valid token whose session is gone (logout, TTL, revoked, stale session_key). */
  | 'session_expired'
  /** Authenticated, but not allowed (not an admin). */
  | 'forbidden'
  /** WeCom refused the login code, or the code was already used. */
  | 'invalid_code'
  /** The code belongs to an employee of another corp. */
  | 'corp_mismatch'
  /** The code belongs to an employee of another corp this deployment serves: log in there. */
  | 'corp_switch'
  /** The code belongs to an employee of a corp this deployment (of several corps) does not serve. */
  | 'corp_unknown'
  /** Too many failed logins from this client, or too many code exchanges overall. */
  | 'rate_limited'
  /** Every login slot of this client's IP stayed taken until the deadline: try again shortly. */
  | 'busy'
  /** Decrypting user data is switched off (no mini-program appid configured). */
  | 'decrypt_disabled'
  /** User data that does not decrypt with this session's key: a newer login rotated it. */
  | 'stale_session_key'
  /** User data encrypted for another mini-program. */
  | 'foreign_data'
  /** Decrypted user data without a watermark. */
  | 'no_watermark'
  /** Decrypting asked with a web session, which has no session_key. */
  | 'no_session_key'
  /** Web login: `state` missing, unknown, expired, used, or bound to another browser. */
  | 'invalid_state'
  /** Web login: WeCom answered for someone who is not a member of this corp (an openid). */
  | 'not_member'
  /** A cookie-authenticated change without the `Origin` of this server (CSRF). */
  | 'cross_site'
  /** The admin console's sign-in with ADMIN_TOKEN: the token given does not match. */
  | 'admin_token_mismatch'
  /** The token admin's web session on a route for employees (it is no employee). */
  | 'token_admin_not_employee';

export class AuthError extends Error {
  readonly reason: AuthFailure;
  /** WeCom's errcode when WeCom made the decision (a refused login code). */
  readonly errcode?: number;
  readonly retryAfterSeconds?: number;
  /** `corp_switch`: the corp to log in at. */
  readonly corpId?: string;

  constructor(
    reason: AuthFailure,
    options: {
      message?: string;
      errcode?: number;
      retryAfterSeconds?: number;
      corpId?: string;
      cause?: unknown;
    } = {},
  ) {
    super(options.message ?? reason, { cause: options.cause });
    this.name = 'AuthError';
    this.reason = reason;
    this.errcode = options.errcode;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.corpId = options.corpId;
  }
}
