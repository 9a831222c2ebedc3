import { LockBusyError, LockLostError } from '../stores/lock';
import { StoreUnavailableError } from '../stores/store';
import type { Bilingual } from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import { OrgError } from './errors';
import type { DepartmentSource, MemberSource, ReadNote } from './from-wecom';
import { refusal } from './from-wecom';
import type { OrgChange, OrgChangeRecord } from './model';

/** What a full sync tells while it runs and what it answers when it ends. */

export type SyncPhase = 'departments' | 'members' | 'writing' | 'commit';

export interface SyncCounts {
  departments: number;
  /** Departments whose members have been read. */
  departmentsRead: number;
  members: number;
  wecomCalls: number;
}

export interface SyncProgress {
  phase: SyncPhase;
  counts: SyncCounts;
}

/**
 * Why a sync could not finish: `refused` (WeCom refused a read; `fix` says what to change),
 * `wecom_unavailable` (WeCom did not answer in time or failed), `store_unavailable` (Redis),
 * `timed_out` (longer than the longest a sync may run), `stopped` (shut down or interrupted),
 * `claim_lost` (its claim ran out and another instance may have taken over), `lock_busy` (the
 * commit lock stayed held longer than the sync waits for it), `internal` (a bug).
 */
export type SyncFailure =
  | 'refused'
  | 'wecom_unavailable'
  | 'store_unavailable'
  | 'timed_out'
  | 'stopped'
  | 'claim_lost'
  | 'lock_busy'
  | 'internal';

export interface SyncError {
  reason: SyncFailure;
  message: string;
  errcode?: number;
  api?: string;
  cause?: Bilingual;
  fix?: Bilingual;
}

export interface OpCounts {
  created: number;
  updated: number;
  deleted: number;
}

/** Change records by kind and operation. */
export interface ChangeCounts {
  departments: OpCounts;
  members: OpCounts;
}

/** What one full sync did (also kept as the last result). */
export interface SyncOutcome {
  ok: boolean;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  /** Change records written (or, for a dry run, that would be written). */
  changes: number;
  /** The same records by kind and operation. */
  changed?: ChangeCounts;
  wecomCalls: number;
  departments: number;
  members: number;
  sources?: { departments: DepartmentSource; members: MemberSource };
  /** Refusals the read worked around (e.g. names missing with the 通讯录同步 secret). */
  notes?: ReadNote[];
  error?: SyncError;
}

/** Change records a result carries at most (the counts cover them all). */
export const RECORDS_SAMPLE = 1000;

export interface FullSyncResult extends SyncOutcome {
  /**
   * The first records in feed order, at most `RECORDS_SAMPLE` (with seq; for a dry run the
   * records that would be written).
   */
  records: (OrgChange & { seq?: OrgChangeRecord['seq'] })[];
  /** The seq of the first and last record written. */
  seqRange?: { first: OrgChangeRecord['seq']; last: OrgChangeRecord['seq'] };
}

export interface FullSyncOptions {
  /** Read and diff, write nothing to the snapshot or the feed. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Told of the progress; the writing and commit phases wait for a promise it returns. */
  onProgress?: (progress: SyncProgress) => void | Promise<void>;
}

/**
 * The failure as the sync reports it, with a reason the job runner can act on. `deadline` and
 * `stop` are the sync's own time limit and the caller's signal: once either fired, what failed
 * is only the way the stop showed.
 */
export function failureOf(
  error: unknown,
  signals: { deadline?: AbortSignal; stop?: AbortSignal } = {},
): SyncError {
  if (signals.deadline?.aborted)
    return { reason: 'timed_out', message: 'did not finish within the longest a sync may run' };
  if (signals.stop?.aborted) {
    const why: unknown = signals.stop.reason;
    if (why instanceof LockLostError) return errorOf(why);
    const detail = why instanceof Error ? `: ${why.message}` : '';
    return { reason: 'stopped', message: `stopped before it finished${detail}` };
  }
  return errorOf(error);
}

function errorOf(error: unknown): SyncError {
  if (error instanceof OrgError) {
    return {
      reason: 'refused',
      message: error.message,
      ...(error.errcode !== undefined && { errcode: error.errcode }),
      ...(error.api && { api: error.api }),
      ...(error.explanation && error.explanation),
    };
  }
  if (error instanceof WecomUnavailableError)
    return {
      reason: 'wecom_unavailable',
      message: `WeCom unavailable (${error.reason}) on ${error.api}`,
    };
  if (error instanceof WecomApiError) return errorOf(refusal(error));
  if (error instanceof StoreUnavailableError)
    return { reason: 'store_unavailable', message: error.message };
  if (error instanceof LockLostError) return { reason: 'claim_lost', message: error.message };
  if (error instanceof LockBusyError) return { reason: 'lock_busy', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { reason: 'internal', message };
}
