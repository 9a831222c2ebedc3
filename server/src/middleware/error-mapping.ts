import { AuthError, type AuthFailure } from '../auth/errors';
import { CallbackError, type CallbackFailure } from '../callbacks/errors';
import { ContactsError, type ContactsFailure } from '../contacts/errors';
import type { ErrorCode } from '../errors/codes';
import { RequestError } from '../errors/request-error';
import { JssdkError, type JssdkFailure } from '../jssdk/errors';
import { StoreUnavailableError } from '../stores/store';
import { RATE_LIMITED, shortFix, TRANSIENT } from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';

/**
 * The one place where what the domain modules throw becomes an HTTP error answer. WeCom refusals
 * become `wecom.rejected` with the errcode, WeCom's trace id and (for an authenticated caller) a
 * short fix naming configuration keys and console paths — never WeCom's `from ip`.
 */

const AUTH: Readonly<Record<AuthFailure, { code: ErrorCode; message?: string }>> = {
  unauthenticated: { code: 'auth.unauthenticated' },
  session_expired: { code: 'auth.session_expired' },
  forbidden: { code: 'auth.forbidden' },
  invalid_code: { code: 'auth.invalid_code' },
  corp_mismatch: { code: 'auth.corp_mismatch' },
  rate_limited: { code: 'request.rate_limited' },
  decrypt_disabled: {
    code: 'auth.forbidden',
    message: 'Decrypt is disabled: WECOM_MINIPROGRAM_APPID is not set on the server.',
  },
  stale_session_key: {
    code: 'auth.session_expired',
    message: 'The login is stale (the session key changed); log in again.',
  },
  foreign_data: {
    code: 'guard.invalid_input',
    message: 'The data was encrypted for another mini-program (watermark.appid does not match).',
  },
  no_watermark: { code: 'guard.invalid_input', message: 'The decrypted data has no watermark.' },
  no_session_key: {
    code: 'auth.forbidden',
    message: 'Decrypting needs a mini-program session: a web session has no session key.',
  },
  invalid_state: { code: 'auth.invalid_state' },
  not_member: { code: 'auth.not_member' },
  cross_site: {
    code: 'auth.forbidden',
    message: 'A change made with the session cookie must come from this server (Origin header).',
  },
};

const CONTACTS: Readonly<Record<ContactsFailure, { code: ErrorCode; message?: string }>> = {
  customer_not_found: { code: 'contact.not_found' },
  customer_not_followed: { code: 'contact.not_followed' },
  group_not_found: { code: 'groupchat.not_found' },
  group_not_member: { code: 'groupchat.not_member' },
  invalid_cursor: {
    code: 'guard.invalid_input',
    message: 'The cursor is not valid; start again from the first page.',
  },
};

const JSSDK: Readonly<Record<JssdkFailure, { code: ErrorCode; message?: string }>> = {
  url_not_allowed: { code: 'jssdk.url_not_allowed' },
};

/**
 * Callback refusals: an unknown or unconfigured receiver is an unknown route; a bad request is a
 * plain 4xx that names what to check, never what was sent.
 */
const CALLBACK: Readonly<
  Record<CallbackFailure, { code: ErrorCode; message?: string; headers?: Record<string, string> }>
> = {
  not_configured: { code: 'request.not_found' },
  malformed: { code: 'guard.invalid_input', message: 'The callback request is not valid.' },
  too_large: {
    code: 'request.too_large',
    message: 'The callback body is larger than 64 KiB.',
    headers: { Connection: 'close' },
  },
  xml: {
    code: 'guard.invalid_input',
    message: 'The callback body is not XML this server reads (no DOCTYPE, entities or comments).',
  },
  signature: {
    code: 'auth.unauthenticated',
    message: "The callback signature does not match this receiver's Token.",
  },
  timestamp: {
    code: 'auth.forbidden',
    message: "The callback timestamp is more than 5 minutes from the server's clock.",
  },
  undecryptable: {
    code: 'guard.invalid_input',
    message: "The callback does not decrypt with this receiver's EncodingAESKey.",
  },
  receiveid: {
    code: 'auth.forbidden',
    message: 'The callback was encrypted for another corp ID.',
  },
};

function fromAuth(error: AuthError): RequestError {
  const { code, message } = AUTH[error.reason];
  const retryAfter = error.retryAfterSeconds;
  return new RequestError(code, {
    cause: error,
    message,
    ...(error.errcode !== undefined && { data: { errcode: error.errcode } }),
    ...(retryAfter !== undefined && {
      data: { retryAfterSeconds: retryAfter },
      headers: { 'Retry-After': String(retryAfter) },
    }),
  });
}

/**
 * Maps anything thrown inside a request to its error answer. `anonymous` callers (no session, no
 * admin: a failed login) get `wecom.rejected` data without the fix text.
 */
export function toRequestError(error: unknown, caller: { anonymous: boolean }): RequestError {
  if (error instanceof RequestError) return error;
  if (error instanceof AuthError) return fromAuth(error);
  if (error instanceof ContactsError) {
    const { code, message } = CONTACTS[error.reason];
    return new RequestError(code, { cause: error, message });
  }
  if (error instanceof JssdkError) {
    const { code, message } = JSSDK[error.reason];
    return new RequestError(code, { cause: error, message });
  }
  if (error instanceof CallbackError) {
    const { code, message, headers } = CALLBACK[error.reason];
    return new RequestError(code, { cause: error, message, headers });
  }
  if (error instanceof StoreUnavailableError)
    return new RequestError('store.unavailable', { cause: error });
  if (error instanceof WecomUnavailableError)
    return new RequestError('wecom.unavailable', { cause: error });
  if (error instanceof WecomApiError) {
    if (TRANSIENT.has(error.errcode) || RATE_LIMITED.has(error.errcode)) {
      return new RequestError('wecom.unavailable', {
        cause: error,
        data: { errcode: error.errcode },
      });
    }
    return new RequestError('wecom.rejected', {
      cause: error,
      data: {
        errcode: error.errcode,
        hint: error.hint,
        ...(!caller.anonymous && {
          fix: shortFix(error.errcode, { api: error.api, credential: error.credential }),
        }),
      },
    });
  }
  return new RequestError('internal.unknown', { cause: error });
}
