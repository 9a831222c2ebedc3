import type { CredentialName } from '../config';

/** WeCom answered with a non-zero errcode. Carries what an admin needs; never the secret. */
export class WecomApiError extends Error {
  readonly api: string;
  readonly credential: CredentialName | undefined;
  readonly errcode: number;
  readonly errmsg: string;
  /** WeCom's trace id from `hint: [...]`. */
  readonly hint?: string;
  /** The egress IP WeCom saw (`from ip:`): for admins and logs only, never for employees. */
  readonly fromIp?: string;

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
    this.errmsg = fields.errmsg;
    this.hint = fields.hint;
    this.fromIp = fields.fromIp;
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
