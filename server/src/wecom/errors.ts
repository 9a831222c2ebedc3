import type { CredentialName } from '../config';
import { maskIps } from './errcodes/errmsg';

/**
 * WeCom answered with a non-zero errcode. Carries what an admin needs; never the secret. What a
 * log line or an error answer can show of it (its enumerable fields) holds no IP: `errmsg` is
 * WeCom's text with anything IP-shaped masked (the trace id kept), and `fromIp` is a getter.
 */
export class WecomApiError extends Error {
  readonly api: string;
  readonly credential: CredentialName | undefined;
  readonly errcode: number;
  /** WeCom's errmsg with the `from ip` (and anything else IP-shaped) masked. */
  readonly errmsg: string;
  /** WeCom's trace id from `hint: [...]`. */
  readonly hint?: string;
  readonly #fromIp: string | undefined;

  constructor(fields: {
    api: string;
    credential?: CredentialName;
    errcode: number;
    errmsg: string;
    hint?: string;
    fromIp?: string;
  }) {
    super(`WeCom ${fields.api} failed with errcode ${fields.errcode}`);
    this.name = 'WecomApiError';
    this.api = fields.api;
    this.credential = fields.credential;
    this.errcode = fields.errcode;
    this.errmsg = maskIps(fields.errmsg);
    this.hint = fields.hint;
    this.#fromIp = fields.fromIp;
  }

  /** The egress IP WeCom saw (`from ip:`): for the doctor's fix only, never logged or answered. */
  get fromIp(): string | undefined {
    return this.#fromIp;
  }
}

export type UnavailableReason = 'timeout' | 'network' | 'http_status' | 'malformed' | 'busy';

/** WeCom could not be reached or answered something unusable. */
export class WecomUnavailableError extends Error {
  readonly api: string;
  readonly reason: UnavailableReason;
  /** What happened, e.g. `HTTP 404`, `ECONNREFUSED`, `answer is not JSON` (never a URL or secret). */
  readonly detail: string;

  constructor(
    api: string,
    reason: UnavailableReason,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`WeCom ${api} unavailable (${reason}): ${detail}`, options);
    this.name = 'WecomUnavailableError';
    this.api = api;
    this.reason = reason;
    this.detail = detail;
  }
}
