import type { WecomConfig } from '../config/index';
import type { BigCorpOptions } from './big-corp';
import type {
  CallbackReceiver,
  CallbackTarget,
  Delivery,
  EventFields,
  VerificationResult,
} from './callbacks';
import type { OrgChangeEvent, OrgControl } from './org';
import type { DemoCorp, DemoDepartment, DemoEmployee } from './seed-types';
import type { DemoSuite } from './suites';
import type { JsapiSignatureCheck, OauthIdentity } from './web-auth';

export type ScenarioName =
  | 'healthy'
  | 'wrong-secret'
  | 'wrong-corp'
  | 'untrusted-ip'
  | 'not-associated'
  | 'contact-not-callable'
  | 'no-contact-permission'
  | 'narrow-visible-range'
  | 'directory-sync-secret'
  | 'big-corp';

export type Fault = {
  /** Path below /cgi-bin/ ('gettoken', 'externalcontact/get', ...); omit = all APIs. */
  api?: string;
  /** How many matching calls it affects, default Infinity. */
  times?: number;
  /** How many matching calls pass untouched before it applies (default 0): a fault mid-run. */
  after?: number;
} & (
  | { kind: 'latency'; ms: number }
  | { kind: 'errcode'; errcode: number; errmsg?: string }
  | { kind: 'http'; status: number }
  | { kind: 'drop' }
  | { kind: 'hang' }
  /**
   * Answers `body` (with errcode 0 and errmsg "ok" unless it has its own) instead of the API: an
   * answer shaped as an official sample or a peer's fixture, whatever the request.
   */
  | { kind: 'answer'; body: Record<string, unknown> }
);

export interface StartSimulatorOptions {
  host?: string;
  port?: number;
  scenario?: ScenarioName;
  /** The size of the 'big-corp' scenario's generated world (default 20,000 members, 1,000 departments). */
  bigCorp?: BigCorpOptions;
  seed?: DemoCorp;
  /**
   * More corps in the same simulated WeCom (a group of companies sharing the mini-program, each
   * with its own self-built app), e.g. `groupCorp()`. They share the HTTP server, the access tokens
   * and the login codes; each has its own directory, customers, session keys and callbacks. The
   * scenario and `onOrgChange` apply to the first corp only.
   */
  moreCorps?: DemoCorp[];
  /**
   * Plays a service provider's side of WeCom too: its suites (third-party apps, 代开发
   * templates, e.g. `demoSuites()`), their 指令回调, the /cgi-bin/service/* APIs and the install
   * page, over the corps the simulator plays.
   */
  provider?: { suites: DemoSuite[] };
  now?: () => number;
  tokenTtlSeconds?: number;
  /** Lifetime of JS-SDK tickets (WeCom: 7200). */
  ticketTtlSeconds?: number;
  latencyMs?: number;
  /** Calls per API per minute before 45009 (WeCom: 10,000/min per corp); default off. */
  perApiPerMinuteLimit?: number;
  /** Concurrent calls per API before 45033; default off. */
  maxConcurrencyPerApi?: number;
  /** Visible-range size above which groupchat/list needs owner_filter (WeCom: 1000). */
  bigCorpThreshold?: number;
  /** Told of every change to the first corp's directory (see `Simulator.onOrgChange`). */
  onOrgChange?: (event: OrgChangeEvent) => void;
  /** Callback POSTs not answered 200 within this are retried (WeCom: 5000 ms). */
  callbackDeadlineMs?: number;
  /** Retries after the first callback attempt (default 3). */
  callbackRetries?: number;
  /** Pause before each retry (default 1000 ms). */
  callbackRetryDelayMs?: number;
  /** The URL verification must be answered within this (WeCom: 1000 ms). */
  callbackVerifyDeadlineMs?: number;
}

/** The directory as one credential sees it (what a full org sync should end up with). */
export interface OrgView {
  departments: DemoDepartment[];
  members: DemoEmployee[];
}

export interface EncryptedPayload {
  encryptedData: string;
  iv: string;
}

/**
 * One corp of the simulated WeCom: its seed, directory, login codes, session keys, callbacks and
 * world changes. `Simulator` is the first corp's handle; `simulator.corp(corpId)` gives each one.
 */
export interface CorpSimulator {
  /** This corp's id. */
  readonly corpId: string;
  /** The effective seed (after the scenario's changes, for the first corp). */
  readonly seed: DemoCorp;
  /** What the gateway should be configured with to serve this corp; apiBase = url. */
  wecomConfig(options?: { timeoutMs?: number }): WecomConfig;
  /**
   * A fresh login code (5 minutes, single use) for an employee of this corp; `corpId` gives another
   * corp's code (checked against that corp's directory when the simulator plays it). Throws for a
   * userid this corp does not have.
   */
  issueLoginCode(userid: string, options?: { corpId?: string }): string;
  /**
   * The employees who can open the mini-program (active, within its app's visible range), in seed
   * order, with the name of their main department.
   */
  demoEmployees(): Array<{ userid: string; name: string; department?: string }>;
  /**
   * A web login code as the authorize or QR page would hand out after a pick (default: for the
   * mini-program's app), for tests that skip the page.
   */
  issueWebLoginCode(identity: OauthIdentity, agentid?: string): string;
  /** The session_key of `userid`'s latest successful jscode2session (base64), if any. */
  lastSessionKey(userid: string): string | undefined;
  /** AES-128-CBC with the latest session_key of `userid`, watermark {appid, timestamp} added. */
  encryptForUser(userid: string, payload: object, options?: { appid?: string }): EncryptedPayload;
  /**
   * The WeCom admin's directory changes (add, move, rename, delete members and departments). Each
   * one is applied at once and reported to the `onOrgChange` listeners.
   */
  readonly org: OrgControl;
  /** Calls `listener` after every directory change; answers a function that removes it. */
  onOrgChange(listener: (event: OrgChangeEvent) => void): () => void;
  /** Departments and members visible to the app of `secret` (default: the configured directory secret). */
  orgVisibleTo(secret?: string): OrgView;
  /**
   * The WeCom admin's 接收消息 → 设置API接收 (`app`) or 通讯录同步 → 设置接收事件服务器 (`directory`):
   * verifies the URL with an encrypted echostr; only a verified target receives events.
   */
  registerCallback(receiver: CallbackReceiver, target: CallbackTarget): Promise<VerificationResult>;
  unregisterCallback(receiver: CallbackReceiver): void;
  /** Pushes an event to a registered receiver (retrying as WeCom does); undefined if none. */
  pushEvent(
    receiver: CallbackReceiver,
    fields: EventFields,
    options?: { copies?: number },
  ): Promise<Delivery[] | undefined>;
  /** Recent callback deliveries and their attempts. */
  callbackDeliveries(): Delivery[];
  /**
   * The employee deletes the customer (del_external_contact to the app receiver). Throws when
   * the employee does not follow the customer. Answers the deliveries (empty: no receiver).
   */
  removeFollower(externalUserId: string, userid: string): Promise<Delivery[]>;
  /**
   * The customer changes their own name (any text they like, e.g. one that a spreadsheet would
   * run as a formula). WeCom pushes no event for it: answers no deliveries.
   */
  renameCustomer(externalUserId: string, name: string): Promise<Delivery[]>;
  /** The owner dismisses the group (change_external_chat dismiss to the app receiver). */
  dismissGroup(chatId: string): Promise<Delivery[]>;
  /** The employee is deleted (change_contact delete_user to the directory receiver). */
  deleteEmployee(userid: string): Promise<Delivery[]>;
}

/** What a push to a suite's 指令回调 carried: the code it told of, and how it went. */
export interface SuitePush {
  /** The suite_ticket or auth_code the message carried. */
  code: string;
  /** Undefined when the suite has no verified 指令回调 URL. */
  delivery?: Delivery;
}

/**
 * The service provider's side of WeCom (`startSimulator({provider})`): the provider admin's
 * 指令回调 setting, the pushes WeCom sends to it, and the corp admins' installs. Every call
 * throws for a suite the simulator does not play; `changeAuth`, `cancelAuth` and
 * `resetPermanentCode` also for a corp that has not installed the suite.
 */
export interface ProviderSimulator {
  readonly suites: readonly DemoSuite[];
  /**
   * The provider admin saves the suite's 指令回调 URL: WeCom verifies it (echostr, receiveid =
   * the suite ID) and, once verified, pushes a suite_ticket at once and every 10 minutes.
   */
  registerSuiteCallback(suiteId: string, target: CallbackTarget): Promise<VerificationResult>;
  /** Pushes a new suite_ticket (valid 30 minutes; the latest two are valid). */
  pushSuiteTicket(suiteId: string): Promise<SuitePush>;
  /**
   * A corp admin authorises the suite (what the install page's 授权 does, without a pre_auth_code):
   * a new auth_code, pushed in create_auth with `state`.
   */
  install(suiteId: string, corpId: string, options?: { state?: string }): Promise<SuitePush>;
  /** The corp admin changes the authorisation: change_auth is pushed. */
  changeAuth(suiteId: string, corpId: string): Promise<Delivery | undefined>;
  /** The corp admin uninstalls: cancel_auth; the permanent code and the app's tokens stop working. */
  cancelAuth(suiteId: string, corpId: string): Promise<Delivery | undefined>;
  /** The permanent code is reset: it stops working; the pushed auth_code gets a new one. */
  resetPermanentCode(suiteId: string, corpId: string): Promise<SuitePush>;
  /** The install page (`/3rdapp/install`) at the simulator's origin. */
  installUrl(suiteId: string, preAuthCode: string, redirectUri: string, state?: string): string;
  /**
   * What license/get_app_license_info answers for the suite in the corp: `checked` (license_status
   * 1: WeCom refuses calls for members without a licence once `checkFrom` has passed), the free
   * `trial` (ms). An install starts checked with a 90-day trial.
   */
  setLicence(
    suiteId: string,
    corpId: string,
    licence: { checked: boolean; trial?: { start: number; end: number }; checkFrom?: number },
  ): void;
  /** The provider activates a member's licence (type 1 基础账号, 2 互通账号) for `days`. */
  activateLicence(corpId: string, userid: string, type: 1 | 2, days: number): void;
  /** Recent pushes to the suite's 指令回调 (event = InfoType). */
  suiteDeliveries(suiteId: string): Delivery[];
  /** The corps where the suite is installed. */
  installed(suiteId: string): string[];
}

/**
 * The simulated WeCom: the first corp's handle, plus what all corps share (one qyapi host: calls,
 * faults, tokens, tickets, the IP allow-list).
 */
export interface Simulator extends CorpSimulator {
  /** 'http://127.0.0.1:PORT' (no trailing slash). */
  readonly url: string;
  readonly scenario: ScenarioName;
  /** The handle of one corp the simulator plays (`moreCorps`); throws for any other corp ID. */
  corp(corpId: string): CorpSimulator;
  /** Calls per API (path below /cgi-bin/) since start or reset; without api: the total. */
  calls(api?: string): number;
  callCounts(): Record<string, number>;
  resetCalls(): void;
  /** Every token issued so far (any corp's) answers 40014 from now on. */
  invalidateTokens(): void;
  /** Every JS-SDK ticket issued so far is refused by pages from now on (42012). */
  invalidateTickets(): void;
  /** What WeCom's JS-SDK in a page answers `wx.config` / `wx.agentConfig` with this signature. */
  verifyJsapiSignature(check: JsapiSignatureCheck): { errcode: 0 | 42012 | 40093; errmsg: string };
  /** Returns a function that removes this fault. */
  injectFault(fault: Fault): () => void;
  clearFaults(): void;
  /** 企业可信IP; null = no list (everything allowed). gettoken is never gated. */
  setTrustedIps(ips: string[] | null): void;
  /** The service provider's side, when started with `provider`. */
  readonly provider?: ProviderSimulator;
  /**
   * Every corp's app secrets, access tokens and session_keys this simulator knows or issued, and
   * the provider's suite secrets, suite_tickets, suite_access_tokens and permanent codes (leak checks).
   */
  issuedSecrets(): string[];
  /** Stops listening and destroys open connections (hanging requests included); idempotent. */
  close(): Promise<void>;
}
