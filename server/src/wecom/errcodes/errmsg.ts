import { isIP } from 'node:net';

/** Longest errmsg we look at; WeCom's are ~200 characters, anything longer is not theirs. */
const MAX_ERRMSG_LENGTH = 2048;
/** A trace id is digits, letters, `_` and `-`; never dots or colons, so it can never hold an IP. */
const HINT_PATTERN = /hint:\s*\[([A-Za-z0-9_-]{1,128})\]/;
const FROM_IP_PATTERN = /from ip:\s*([0-9A-Fa-f:.]+)/;
/** Where the free text ends: the first of the machine-added parts. */
const TAIL_PATTERN = /[\s,]*(?:hint:|from ip:|more info at)/;
const IPV4_LIKE = /\d{1,3}(?:\.\d{1,3}){3}/g;
const IPV6_LIKE = /[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}/g;

/**
 * Parses WeCom's errmsg: `<text>, hint: [<trace>], from ip: <ip>, more info at <url>`.
 * Tolerates the `hint:[` variant without a space, missing parts, IPv6 and garbage (never throws).
 * `fromIp` is set only when it is a valid IPv4/IPv6 address. `text` has anything IP-shaped masked,
 * and `hint` cannot contain dots or colons, so neither can carry an IP to an employee.
 */
export function parseErrmsg(errmsg: string): { text: string; hint?: string; fromIp?: string } {
  const raw = typeof errmsg === 'string' ? errmsg.slice(0, MAX_ERRMSG_LENGTH) : '';
  const tail = TAIL_PATTERN.exec(raw);
  const text = maskIps(tail ? raw.slice(0, tail.index) : raw).trim();
  const result: { text: string; hint?: string; fromIp?: string } = { text };
  const hint = HINT_PATTERN.exec(raw)?.[1];
  if (hint) result.hint = hint;
  const ip = FROM_IP_PATTERN.exec(raw)?.[1]?.replace(/\.+$/, '');
  if (ip && isIP(ip) !== 0) result.fromIp = ip;
  return result;
}

/** Replaces anything shaped like an IPv4 or IPv6 address with `*` (for text that may reach employees). */
export function maskIps(text: string): string {
  return text
    .replace(IPV4_LIKE, '*')
    .replace(IPV6_LIKE, (match) => (match.replace(/:/g, '').length > 0 ? '*' : match));
}
