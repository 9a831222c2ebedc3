import type { ErrorCode } from '../typings/api';

/** Codes raised on the device, never by the server. */
export type LocalErrorCode =
  /** wx.request failed (no network, DNS, TLS, timeout). */
  | 'network.failed'
  /** The server answered something that is not the contract's JSON. */
  | 'network.bad_response'
  /** Not running inside WeCom: wx.qy is missing. */
  | 'env.not_wxwork'
  /** A wx.qy call failed. */
  | 'qy.failed'
  /** The employee cancelled a wx.qy picker. */
  | 'qy.cancelled'
  /** The API is not allowed from the entry the mini-program was opened from. */
  | 'qy.entry_not_allowed'
  /** This WeCom client lacks the API (older versions, the developer tools). */
  | 'qy.unsupported'
  /** A demo login outside a develop build, or for someone the sandbox does not offer. */
  | 'demo.unavailable';

export type ClientErrorCode = ErrorCode | LocalErrorCode;

export class ApiError extends Error {
  readonly code: ClientErrorCode;
  /** HTTP status; 0 for local errors. */
  readonly status: number;
  readonly data: unknown;
  readonly requestId: string | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    options: { status?: number; data?: unknown; requestId?: string } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = options.status ?? 0;
    this.data = options.data;
    this.requestId = options.requestId;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The two codes after which a new login and one retry can help. */
export function isSessionError(error: unknown): boolean {
  return (
    isApiError(error) &&
    (error.code === 'auth.session_expired' || error.code === 'auth.unauthenticated')
  );
}
