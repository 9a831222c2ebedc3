import { randomInt } from 'node:crypto';

/** WeCom's errmsg texts and anatomy: `<text>, hint: [<trace>], from ip: <ip>, more info at <url>`. */

const TEXTS: Readonly<Record<number, string>> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40003: 'invalid userid',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40050: 'invalid chatid',
  40056: 'invalid agentid',
  40058: 'invalid parameter',
  40091: 'secret is invalid',
  40077: 'invalid pre_auth_code',
  40078: 'invalid auth_code',
  40080: 'invalid suite_secret',
  40082: 'invalid suite_token',
  40083: 'invalid suite_id',
  40084: 'invalid permanent_code',
  40085: 'invalid suite_ticket',
  40096: 'invalid external userid',
  41001: 'access_token missing',
  41002: 'corpid missing',
  41004: 'corpsecret missing',
  41008: 'missing code',
  41021: 'suite_id missing',
  41022: 'suite_access_token missing',
  41023: 'suite_ticket missing',
  41024: 'suite_secret missing',
  41025: 'permanent_code missing',
  41035: 'external userid missing',
  42001: 'access_token expired',
  42009: 'suite_access_token expired',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  47001: 'data format error',
  48002: 'api forbidden',
  48009: 'api forbidden for contact sync secret from new ip',
  60011: 'no privilege to access/modify contact/party/agent ',
  60020: 'not allow to access from your ip',
  60111: 'userid not found',
  60123: 'invalid party id',
  81017: 'too many members in the visible range, owner_filter required',
  84061: 'not external contact',
  84074: 'no external contact permission',
  301002: 'not allow operate another agent with this accesstoken',
  701008: 'no valid interworking license for the user',
};

export function errorText(errcode: number): string {
  return TEXTS[errcode] ?? 'unknown error';
}

/** 25 digits: unix seconds, then 15 random digits (the post-2022 hint format). */
export function traceHint(nowMs: number): string {
  let tail = '';
  for (let i = 0; i < 3; i++) tail += String(randomInt(0, 100_000)).padStart(5, '0');
  return `${Math.floor(nowMs / 1000)}${tail}`;
}

/** Shows an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as plain IPv4. */
export function callerIp(remoteAddress: string | undefined): string {
  if (!remoteAddress) return '0.0.0.0';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
}

export function formatErrmsg(errcode: number, ip: string, nowMs: number, text?: string): string {
  return `${text ?? errorText(errcode)}, hint: [${traceHint(nowMs)}], from ip: ${ip}, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
}
