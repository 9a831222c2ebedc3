import { catalogue, type ErrcodeCategory } from './catalogue';

/**
 * Errcodes grouped by what the caller does about them. Code that reacts to an errcode imports a
 * group from here instead of writing the number. Groups that follow a catalogue category are
 * computed from it; the others depend on which API answered and are listed.
 */

type Codes = ReadonlySet<number>;

const inCategory = (...categories: ErrcodeCategory[]): Codes =>
  new Set(
    [...catalogue].flatMap(([errcode, entry]) =>
      categories.includes(entry.category) ? [errcode] : [],
    ),
  );

/** -1 system busy: retried with backoff. */
export const TRANSIENT: Codes = inCategory('transient');
/** 45009 frequency, 45033 concurrency: no hammering; answered as WeCom unavailable. */
export const RATE_LIMITED: Codes = inCategory('rate_limited');
/** 40014, 42001 on an API call: drop the cached token, refresh once, retry once. */
export const TOKEN_REJECTED: Codes = inCategory('token');
/** 40001 on a call made with a token read from the cache: the same as TOKEN_REJECTED. */
export const CACHED_TOKEN_REJECTED: Codes = new Set([40001]);
/** gettoken refused the corp ID or secret (40001, 40013, 40091, …): never retried in a loop. */
export const CREDENTIAL_REFUSED: Codes = inCategory('credential');
/** The mini-program login code is used, expired or not ours (40029, 42003, 42022, 42013). */
export const LOGIN_CODE_REJECTED: Codes = inCategory('login_code');
/** Any "no such id" answer, whatever the resource. */
export const NOT_FOUND: Codes = inCategory('not_found');
/** A refusal that concerns the configuration (secret, permission, trusted IP), not one id. */
export const CONFIGURATION_REFUSED: Codes = inCategory('permission', 'credential', 'token');

/** externalcontact/get: no such customer (40096, also when its follower is outside the visible range), or nobody follows it (84061). */
export const CUSTOMER_NOT_FOUND: Codes = new Set([40096, 84061]);
/** groupchat/get: bad chat id (40050, 86001) or not a customer group (90501). */
export const GROUP_NOT_FOUND: Codes = new Set([40050, 86001, 90501]);
/** user/get: no such member, or outside the visible range. */
export const USER_NOT_FOUND: Codes = new Set([60111]);
/** department/get: no such department. */
export const DEPARTMENT_NOT_FOUND: Codes = new Set([60123]);
/**
 * This secret may not call this directory API: the 通讯录同步 secret from a new IP on names and
 * details (48009), a self-built app's secret on user/list_id (48002). The org sync then tries the
 * next listing API.
 */
export const LISTING_REFUSED: Codes = new Set([48002, 48009]);
/**
 * A refusal about one customer or group rather than the configuration (60011: its owner or
 * follower is outside the app's visible range). Employees are answered as if it did not exist.
 */
export const RESOURCE_HIDDEN: Codes = new Set([60011]);
/** 40058 on a paged call that carried a cursor from the caller: that cursor is not valid. */
export const INVALID_CURSOR: Codes = new Set([40058]);
/** The egress IP is not in the app's 企业可信IP (60020). */
export const UNTRUSTED_IP: Codes = new Set([60020]);
/** agent/get with an AgentId that is not the token's own app. */
export const OTHER_APP: Codes = new Set([301002]);
/** groupchat/list without owner_filter in a corp whose visible range holds more than 1000 people. */
export const TOO_MANY_USERS: Codes = new Set([81017]);
