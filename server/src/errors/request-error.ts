import { type ErrorCode, errorCodes } from './codes';

/**
 * The one error type that becomes an HTTP answer. Status and default message come from the code
 * table; `data` is sent to the caller, so it must never hold secrets, tokens or WeCom's `from ip`.
 */
export class RequestError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly data?: unknown;
  readonly headers?: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    options: {
      message?: string;
      data?: unknown;
      cause?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(options.message ?? errorCodes[code].message, { cause: options.cause });
    this.name = 'RequestError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.data = options.data;
    this.headers = options.headers;
  }
}
