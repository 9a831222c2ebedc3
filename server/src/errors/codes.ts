import type { ErrorCode } from '../../../miniprogram/typings/api';

export type { ErrorCode };

/** Every error code an answer may carry: HTTP status and the default (English) message. */
export const errorCodes: Readonly<Record<ErrorCode, { status: number; message: string }>> = {
  'guard.invalid_input': { status: 400, message: 'The request is not valid.' },
  'request.too_large': { status: 413, message: 'The request body is larger than 16 KiB.' },
  'request.unsupported_encoding': {
    status: 415,
    message:
      'The Content-Encoding of the request body is not supported (identity, gzip, deflate, br).',
  },
  'request.not_found': { status: 404, message: 'No such route.' },
  'request.rate_limited': { status: 429, message: 'Too many requests; try again later.' },
  'auth.unauthenticated': { status: 401, message: 'A valid bearer token is required.' },
  'auth.session_expired': { status: 401, message: 'The session has ended; log in again.' },
  'auth.invalid_code': {
    status: 401,
    message: 'The login code was refused by WeCom or already used; call wx.qy.login again.',
  },
  'auth.corp_mismatch': {
    status: 403,
    message: 'This user belongs to another WeCom corp.',
  },
  'auth.forbidden': { status: 403, message: 'This needs an admin.' },
  'contact.not_followed': { status: 403, message: 'This customer is not yours.' },
  'contact.not_found': { status: 404, message: 'No such customer.' },
  'contact.outside_visible_range': {
    status: 403,
    message:
      "You are outside this app's visible range in WeCom, so it cannot list your customers or customer groups. Ask an admin to add you to the app's visible range (可见范围).",
  },
  'groupchat.not_member': {
    status: 403,
    message: 'You neither own nor belong to this customer group.',
  },
  'groupchat.not_found': { status: 404, message: 'No such customer group.' },
  'wecom.rejected': {
    status: 502,
    message: 'WeCom refused the call; an admin must fix the configuration.',
  },
  'wecom.unavailable': {
    status: 503,
    message: 'WeCom is busy or unreachable; try again later.',
  },
  'store.unavailable': { status: 503, message: 'The session store is unreachable.' },
  'org.sync_running': {
    status: 409,
    message: 'A full org sync is already running; see GET /api/admin/org/sync.',
  },
  'feed.expired': {
    status: 410,
    message:
      'The feed no longer keeps the records after `after` (retention): read the snapshot, then follow from `data.next`.',
  },
  'auth.invalid_state': {
    status: 400,
    message:
      "The login state is missing, unknown, expired or not this browser's; start the login again.",
  },
  'auth.not_member': {
    status: 403,
    message: 'WeCom answered for someone who is not a member of this corp.',
  },
  'jssdk.url_not_allowed': {
    status: 400,
    message:
      'Only URLs under PUBLIC_BASE_URL (its origin and path prefix, no user info) are signed.',
  },
  'internal.unknown': { status: 500, message: 'Something went wrong on our side.' },
};
