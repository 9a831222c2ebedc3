import type { CodeStore } from '../codes';
import type { AppRuntime, CorpModel } from '../corp';
import type { TokenStore } from '../tokens';
import type { OauthCodeStore, TicketStore } from '../web-auth';

/** What one simulated WeCom API is, and what it may use. */

export type Answer = Record<string, unknown>;

/** Thrown by a handler: answered as `{errcode, errmsg: <anatomy>, ...empty data fields}`. */
export class WecomError extends Error {
  constructor(
    readonly errcode: number,
    readonly text?: string,
  ) {
    super(`WeCom errcode ${errcode}`);
    this.name = 'WecomError';
  }
}

export interface ApiDeps {
  corp: CorpModel;
  tokens: TokenStore<AppRuntime>;
  codes: CodeStore;
  /** Web login (OAuth2 / QR) codes. */
  oauthCodes: OauthCodeStore;
  /** JS-SDK tickets. */
  tickets: TicketStore;
  now: () => number;
  /** Base64 session_key of each userid's latest login. */
  sessionKeys: Map<string, string>;
  /** The session keys of another corp the simulator plays (undefined for any other corp). */
  sessionKeysOf(corpId: string): Map<string, string> | undefined;
  /** True for the secret of an app of another corp the simulator plays (40091, not 40001). */
  isSecretOfAnotherCorp(secret: string): boolean;
  contactPermission: boolean;
  bigCorpThreshold: number;
}

export interface ApiRequest {
  query: Readonly<Record<string, string | undefined>>;
  body: unknown;
  /** The token's app (undefined for routes without `auth: true`). */
  app: AppRuntime;
  /** The suite of the suite_access_token (routes with `auth: 'suite'` only). */
  suiteId?: string;
}

export interface ApiRoute {
  /** Path below /cgi-bin/. */
  api: string;
  method: 'GET' | 'POST';
  /**
   * `true`: needs an `access_token` (everything but gettoken); `'suite'`: a provider's
   * `suite_access_token` (service/*); `'provider'`: its `provider_access_token` (license/*);
   * `false`: none.
   */
  auth: boolean | 'suite' | 'provider';
  /** Data fields that error answers still carry, empty, as WeCom's do. */
  empty?: Answer;
  handle(request: ApiRequest): Answer;
}
