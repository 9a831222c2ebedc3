import { AuthError, type AuthFailure } from '../auth/errors';
import { CallbackError, type CallbackFailure } from '../callbacks/errors';
import { ContactsError, type ContactsFailure } from '../contacts/errors';
import type { ErrorCode } from '../errors/codes';
import { RequestError } from '../errors/request-error';
import { JssdkError, type JssdkFailure } from '../jssdk/errors';
import { OrgError, type OrgFailure } from '../org/errors';
import { FeedExpiredError } from '../stores/feed';
import { LockBusyError } from '../stores/lock';
import { StoreUnavailableError } from '../stores/store';
import { WebhookError, type WebhookFailure } from '../webhooks/errors';
import { RATE_LIMITED, shortFix, TRANSIENT } from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';

/**
 * The one place where what the domain modules throw becomes an HTTP error answer. WeCom refusals
 * become `wecom.rejected` with the errcode, WeCom's trace id and (for an authenticated caller) a
 * short fix naming configuration keys and WeCom admin paths — never WeCom's `from ip`.
 */

const AUTH: Readonly<Record<AuthFailure, { code: ErrorCode; message?: string }>> = {
  unauthenticated: { code: 'auth.unauthenticated' },
  session_expired: { code: 'auth.session_expired' },
  forbidden: { code: 'auth.forbidden' },
  invalid_code: { code: 'auth.invalid_code' },
  corp_mismatch: { code: 'auth.corp_mismatch' },
  corp_switch: { code: 'auth.corp_switch' },
  corp_unknown: { code: 'corp.unknown' },
  rate_limited: { code: 'request.rate_limited' },
  busy: {
    code: 'wecom.unavailable',
    message: 'Many logins from this network are being checked with WeCom; try again in a moment.',
  },
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
  admin_token_mismatch: {
    code: 'auth.unauthenticated',
    message: 'The token does not match ADMIN_TOKEN.',
  },
  token_admin_not_employee: {
    code: 'auth.forbidden',
    message:
      'Signed in with ADMIN_TOKEN: the admin console and admin API only, not the routes of an employee.',
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
  outside_visible_range: { code: 'contact.outside_visible_range' },
};

const JSSDK: Readonly<Record<JssdkFailure, { code: ErrorCode; message?: string }>> = {
  url_not_allowed: { code: 'jssdk.url_not_allowed' },
};

const WEBHOOK: Readonly<Record<WebhookFailure, { code: ErrorCode }>> = {
  not_found: { code: 'webhook.not_found' },
  url_not_allowed: { code: 'webhook.url_not_allowed' },
  limit_reached: { code: 'webhook.limit_reached' },
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

const ORG: Readonly<Record<OrgFailure, { code: ErrorCode; message?: string }>> = {
  sync_running: { code: 'org.sync_running' },
  invalid_cursor: {
    code: 'guard.invalid_input',
    message: 'The cursor is not valid; start again from the first page.',
  },
  refused: { code: 'wecom.rejected' },
};

/** A WeCom refusal: the errcode, WeCom's trace id and, for an authenticated caller, the fix. */
function rejected(
  error: { errcode: number; hint?: string; api?: string; credential?: WecomApiError['credential'] },
  caller: Caller,
  cause: unknown,
): RequestError {
  return new RequestError('wecom.rejected', {
    cause,
    data: {
      errcode: error.errcode,
      hint: error.hint,
      ...(!caller.anonymous && {
        fix: shortFix(error.errcode, { api: error.api, credential: error.credential }),
      }),
    },
  });
}

function fromOrg(error: OrgError, caller: Caller): RequestError {
  if (error.reason === 'refused' && error.errcode !== undefined)
    return rejected({ errcode: error.errcode, api: error.api }, caller, error);
  const { code, message } = ORG[error.reason];
  return new RequestError(code, { cause: error, message });
}

function fromAuth(error: AuthError): RequestError {
  const { code, message } = AUTH[error.reason];
  const retryAfter = error.retryAfterSeconds;
  return new RequestError(code, {
    cause: error,
    message,
    ...(error.errcode !== undefined && { data: { errcode: error.errcode } }),
    ...(error.corpId !== undefined && { data: { corpId: error.corpId } }),
    ...(retryAfter !== undefined && {
      data: { retryAfterSeconds: retryAfter },
      headers: { 'Retry-After': String(retryAfter) },
    }),
  });
}

/**
 * Errors that Koa or its body readers raise with an HTTP status about the request itself (4xx).
 */
function fromHttpError(error: unknown): RequestError | undefined {
  const status = (error as { status?: unknown } | null | undefined)?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 413) return new RequestError('request.too_large', { cause: error });
  return new RequestError('guard.invalid_input', {
    cause: error,
    message: 'The request body is not valid JSON.',
  });
}

/** Who asked: `anonymous` callers (no session, no admin: a failed login) get no fix text. */
type Caller = { anonymous: boolean };

/** Maps anything thrown inside a request to its error answer. */
export function toRequestError(error: unknown, caller: Caller): RequestError {
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
  if (error instanceof WebhookError)
    return new RequestError(WEBHOOK[error.reason].code, { cause: error, message: error.detail });
  if (error instanceof CallbackError) {
    const { code, message, headers } = CALLBACK[error.reason];
    return new RequestError(code, { cause: error, message, headers });
  }
  if (error instanceof OrgError) return fromOrg(error, caller);
  if (error instanceof StoreUnavailableError)
    return new RequestError('store.unavailable', { cause: error });
  if (error instanceof LockBusyError)
    return new RequestError('request.busy', { cause: error, headers: { 'Retry-After': '1' } });
  if (error instanceof FeedExpiredError)
    return new RequestError('feed.expired', { cause: error, data: { next: error.next } });
  if (error instanceof WecomUnavailableError)
    return new RequestError('wecom.unavailable', { cause: error });
  if (error instanceof WecomApiError) {
    if (TRANSIENT.has(error.errcode) || RATE_LIMITED.has(error.errcode)) {
      return new RequestError('wecom.unavailable', {
        cause: error,
        data: { errcode: error.errcode },
      });
    }
    return rejected(error, caller, error);
  }
  return fromHttpError(error) ?? new RequestError('internal.unknown', { cause: error });
}
