import { createHash } from 'node:crypto';
import { isUnder } from '../auth/return-to';

/**
 * The JS-SDK signature: SHA-1 in hex of
 * `jsapi_ticket=TICKET&noncestr=NONCE&timestamp=SECONDS&url=URL`, fields in this order, nothing
 * URL-encoded, and the URL without `#` and what follows it. The same for `wx.config` (with the
 * corp's jsapi_ticket) and `wx.agentConfig` (with the app's agent_config ticket).
 */
export function jsapiSignature(input: {
  ticket: string;
  nonceStr: string;
  timestamp: number;
  url: string;
}): string {
  const plain = `jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${withoutFragment(input.url)}`;
  return createHash('sha1').update(plain, 'utf8').digest('hex');
}

export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/** Longest URL signed; WeCom pages have no reason to be longer. */
export const MAX_SIGNED_URL_LENGTH = 2048;

/**
 * True when `url` (as the page reports it, fragment included) is a page under `baseUrl`
 * (PUBLIC_BASE_URL: an origin, with its path prefix when it has one): it parses, its origin is
 * exactly the base's, it starts with the base as written (so what is signed is what was checked)
 * followed by nothing or `/`, `?`, `#`, its path stays under the base's path once resolved (no
 * `/gate/../other`), and it has no user info, no whitespace, no control characters and no
 * backslash (which browsers read as `/`).
 */
export function isSignableUrl(url: string, baseUrl: string): boolean {
  if (url.length > MAX_SIGNED_URL_LENGTH) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\s\\\u0000-\u001f\u007f]/.test(url)) return false;
  const rest = url.slice(baseUrl.length);
  if (!url.startsWith(baseUrl) || !(rest === '' || /^[/?#]/.test(rest))) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const base = new URL(baseUrl);
  return (
    parsed.origin === base.origin &&
    parsed.username === '' &&
    parsed.password === '' &&
    isUnder(parsed.pathname, base.pathname.replace(/\/$/, ''))
  );
}
