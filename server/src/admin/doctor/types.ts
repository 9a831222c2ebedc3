import type { CallbackKeys, ReceiverName } from '../../callbacks';
import type { CredentialName, RedisConfig, WecomConfig } from '../../config';
import type { AppIdentity, Bilingual, consolePaths } from '../../wecom/errcodes';
import type { WecomApiError } from '../../wecom/errors';
import type { ProbeCalls, WecomProbe } from '../../wecom/probe';

/** The doctor's report and the record a check is made of (see index.ts for the loop). */

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skipped';

export interface DoctorDeps {
  /** WeCom's first answers, with tokens the doctor asks for itself (no token cache). */
  probe: WecomProbe;
  wecom: Pick<WecomConfig, 'corpId' | 'secrets' | 'proxy' | 'appAgentId'>;
  /** Userids probed with user/get (the admins: they must be in the visible range). */
  probeUserIds: readonly string[];
  /** The store's configuration (the store check connects afresh) and whether this is the sandbox. */
  store: { redis: RedisConfig; sandbox: boolean };
  /** The callback receivers' keys, and the public origin the admin enters in the WeCom admin. */
  callbacks: {
    keys: Partial<Readonly<Record<ReceiverName, CallbackKeys>>>;
    publicBaseUrl?: string;
  };
  /**
   * The size of the last full org sync's snapshot, if there is one: the directory-listing check
   * reports it where counting the visible range's members would take a call per department.
   */
  orgSize?: () => Promise<{ departments: number; members: number; at: string } | null>;
  /**
   * Employees WeCom recently refused their own customer or group list (outside the app's visible
   * range; the server remembers them): customer-contact asks WeCom again about each and names
   * those still outside, with the fix.
   */
  outsideVisibleRange?: {
    recent(limit: number): Promise<string[]>;
    forget(userid: string): Promise<void>;
  };
  /**
   * A report younger than this is answered again instead of probing WeCom anew (and concurrent
   * runs share one): repeated gettoken calls with a wrong secret get the server's IP banned.
   */
  reuseMs?: number;
  now?: () => number;
}

/** One line of the report. */
export interface DoctorCheck {
  /** Stable: `store`, `api-base`, `token:<credential>`, `trusted-ip`, `app-agent`, … */
  id: string;
  credential?: CredentialName;
  /** For a token check: the other credentials configured with the same secret. */
  sharedWith?: CredentialName[];
  status: CheckStatus;
  /** The WeCom API whose answer decided the verdict. */
  api?: string;
  errcode?: number;
  summary: Bilingual;
  fix?: Bilingual;
  link?: string;
  /** For 'skipped': the check whose failure stopped this one (the first cause, not a middle link). */
  blockedBy?: string;
}

export interface DoctorReport {
  /** False when any check failed ('warn' and 'skipped' alone do not make it false). */
  ok: boolean;
  corpId: string;
  checkedAt: string;
  checks: DoctorCheck[];
}

/** What a check concludes; the loop adds the record's id and credential. */
export type Verdict = Omit<DoctorCheck, 'id' | 'credential' | 'sharedWith'>;

/** What checks learn for later ones, in the order of the table. */
export interface Facts {
  /** Access tokens per credential, from the token checks. */
  tokens: Map<CredentialName, string>;
  /** The app of WECOM_APP_SECRET (agent/get): names it in fixes instead of "<the app of …>". */
  app?: AppIdentity;
  /** Members with customer contact: probed by `directory` when ADMIN_USERIDS is empty. */
  followers: readonly string[];
}

export interface CheckContext {
  readonly facts: Facts;
  /**
   * The typed WeCom calls, made with the access token of the check's credential (checks with
   * `withToken` only, calls of that credential only). Their errors reach the loop unless the check
   * judges them: a WeCom errcode becomes 'fail' with the catalogue's cause and fix, an unreachable
   * WeCom 'fail' with the network reason, and 60020 'skipped', blocked by `trusted-ip`, whatever
   * the check made of it.
   */
  readonly wecom: ProbeCalls;
  /** The report line of a check that ran before this one. */
  verdictOf(id: string): DoctorCheck | undefined;
  /** WeCom's refusal as a verdict: the catalogue's cause and fix, the app named when known. */
  explain(error: WecomApiError, status: CheckStatus, lead?: Bilingual): Verdict;
  /** A WeCom admin path naming the app of the check's credential (by name once agent/get told it). */
  consolePath(name: keyof typeof consolePaths): Bilingual;
  /** 'skipped' because of `blockedBy` (the text says why, or the usual one for that check). */
  skip(blockedBy: string, because?: Bilingual): Verdict;
}

interface CheckHeader {
  /** Stable id: scripts read the JSON report by it. */
  readonly id: string;
  readonly credential?: CredentialName;
  readonly sharedWith?: readonly CredentialName[];
  /**
   * Calls WeCom with the access token of `credential`: skipped while that credential's token
   * check did not pass, and its answers decide `trusted-ip`.
   */
  readonly withToken?: boolean;
  /** Earlier checks it needs: while one of them failed or was skipped, this one is skipped. */
  readonly needs?: readonly string[];
}

/** A check that probes something: WeCom, the store, the configuration, an HTTP endpoint. */
export interface ProbeCheck extends CheckHeader {
  run(ctx: CheckContext): Promise<Verdict>;
}

/** A check judged from the others' outcomes once they all ran (e.g. `trusted-ip`). */
export interface DerivedCheck extends CheckHeader {
  derive(outcomes: readonly CheckOutcome[], ctx: CheckContext): Verdict;
}

export type CheckRecord = ProbeCheck | DerivedCheck;

export interface CheckOutcome {
  readonly record: CheckRecord;
  readonly check: DoctorCheck;
  /** What its token-bearing calls said about the trusted IP list. */
  readonly gate: { answered: boolean; untrusted?: WecomApiError };
}
