import type { Bilingual } from '../wecom/errcodes';

/**
 * Why an org operation was refused. The HTTP edge (middleware/error-mapping.ts) turns each reason
 * into an error code.
 */
export type OrgFailure =
  /** A full sync is already running (or queued) somewhere in the cluster. */
  | 'sync_running'
  /** The caller's paging cursor is not one this server handed out. */
  | 'invalid_cursor'
  /** WeCom refused an address book read; `explanation` says why and what to change. */
  | 'refused';

export interface OrgErrorDetails {
  message?: string;
  errcode?: number;
  api?: string;
  /** From the errcode catalogue, for admins. */
  explanation?: { cause: Bilingual; fix: Bilingual };
  error?: unknown;
}

export class OrgError extends Error {
  readonly reason: OrgFailure;
  readonly errcode?: number;
  readonly api?: string;
  readonly explanation?: { cause: Bilingual; fix: Bilingual };

  constructor(reason: OrgFailure, details: OrgErrorDetails = {}) {
    super(details.message ?? reason, { cause: details.error });
    this.name = 'OrgError';
    this.reason = reason;
    this.errcode = details.errcode;
    this.api = details.api;
    this.explanation = details.explanation;
  }
}
