import { isIP } from 'node:net';
import type { CredentialName } from '../../config';
import {
  type ApiFamily,
  appTexts,
  type Bilingual,
  type CatalogueEntry,
  catalogue,
  consolePaths,
  type ErrcodeCategory,
  keyTexts,
  secretKeys,
  targetTexts,
  uncatalogued,
  usedKeyText,
  type VariantCondition,
} from './catalogue';
import { maskIps } from './errmsg';

/**
 * Reads the catalogue: the full form (`explainErrcode`, for the doctor and logs: cause and fix for
 * the failing API, credential and egress IP) and the short form (`shortFix`, one line per language
 * for `wecom.rejected` answers, never an IP).
 */

export interface ErrcodeEntry {
  errcode: number;
  category: ErrcodeCategory;
  meaning: Bilingual;
  cause: Bilingual;
  fix: Bilingual;
}

export interface ErrcodeExplanation extends ErrcodeEntry {
  link: string;
}

/** The app a credential's secret belongs to, as far as it is known (the doctor asks agent/get). */
export interface AppIdentity {
  agentId: string;
  name?: string;
}

export interface ErrcodeContext {
  /** The API that answered, e.g. `externalcontact/get` (a full `/cgi-bin/…?…` path is fine). */
  api?: string;
  /** The configured secret the call was made with; inferred from the API family when absent. */
  credential?: CredentialName;
  /** WeCom's `from ip:` (admins only). */
  fromIp?: string;
  /** Names the app in WeCom admin paths instead of `<the app of KEY>`. */
  app?: AppIdentity;
  /** The department or member the call was about (60011 then names it). */
  target?: ErrcodeTarget;
}

/** What a directory call was about. */
export interface ErrcodeTarget {
  kind: 'department' | 'member';
  id: string | number;
  name?: string;
}

const t = (zh: string, en: string): Bilingual => ({ zh, en });

/** WeCom's own errcode query page. */
export function errcodeQueryLink(errcode: number): string {
  return `https://open.work.weixin.qq.com/devtool/query?e=${encodeURIComponent(String(errcode))}`;
}

/** `cgi-bin/externalcontact/get?…` → `externalcontact/get`. */
function normaliseApi(api: string | undefined): string {
  return (api ?? '')
    .replace(/^\/+/, '')
    .replace(/^cgi-bin\//, '')
    .split('?')[0]!
    .toLowerCase();
}

function familyOf(api: string): ApiFamily | undefined {
  if (api === '') return undefined;
  if (api === 'gettoken') return 'gettoken';
  if (api.startsWith('miniprogram/')) return 'login';
  if (api.startsWith('externalcontact/')) return 'customer';
  if (api.startsWith('user/') || api.startsWith('department/')) return 'directory';
  if (api.startsWith('agent/')) return 'agent';
  return 'other';
}

/** The configured credential: given, or the one that API family is called with. */
function credentialFor(
  family: ApiFamily | undefined,
  credential: CredentialName | undefined,
): CredentialName | undefined {
  if (credential) return credential;
  if (family === 'login' || family === 'agent') return 'app';
  if (family === 'customer') return 'contact';
  if (family === 'directory') return 'directory';
  return undefined;
}

interface Situation {
  family: ApiFamily | undefined;
  credential: CredentialName | undefined;
  fromIp: string | undefined;
  target?: ErrcodeTarget;
}

function holds(when: VariantCondition, s: Situation): boolean {
  if (when.api && (s.family === undefined || !when.api.includes(s.family))) return false;
  if (when.credential && !s.credential) return false;
  if (when.fromIp && !s.fromIp) return false;
  if (when.target && !s.target) return false;
  if (when.target === 'member' && s.target?.kind !== 'member') return false;
  return true;
}

/** The entry's texts with the first variant that holds laid over them. */
function resolve(entry: CatalogueEntry, s: Situation) {
  const variant = entry.variants?.find((v) => holds(v.when, s));
  const more = variant?.more === null ? undefined : (variant?.more ?? entry.more);
  return {
    cause: variant?.cause ?? entry.cause,
    action: variant?.action ?? entry.action,
    more,
    keyOf: s.credential ?? variant?.keyOf ?? entry.keyOf,
  };
}

/** Replaces `{name}` placeholders in one pass (a value is never read for placeholders again). */
function fill(text: Bilingual, values: Readonly<Record<string, Bilingual | undefined>>): Bilingual {
  const one = (input: string, lang: 'zh' | 'en') =>
    input.replace(/\{(\w+)\}/g, (whole, name: string) => values[name]?.[lang] ?? whole);
  return t(one(text.zh, 'zh'), one(text.en, 'en'));
}

const plain = (value: string) => t(value, value);

function appText(credential: CredentialName | undefined, app: AppIdentity | undefined): Bilingual {
  if (app?.name)
    return fill(appTexts.named, { name: plain(app.name), agentId: plain(app.agentId) });
  if (app) return fill(appTexts.agentId, { agentId: plain(app.agentId) });
  if (credential) return fill(appTexts.ofKey, { secretKey: plain(secretKeys[credential]) });
  return appTexts.unknown;
}

function targetText(target: ErrcodeTarget | undefined): Bilingual | undefined {
  if (!target) return undefined;
  const id = plain(String(target.id));
  if (target.kind === 'member') return fill(targetTexts.member, { id });
  return target.name
    ? fill(targetTexts.namedDepartment, { id, name: plain(target.name) })
    : fill(targetTexts.department, { id });
}

function join(a: Bilingual, b?: Bilingual): Bilingual {
  return b ? t(`${a.zh}${b.zh}`, `${a.en} ${b.en}`) : a;
}

/** Drops the space that key names leave after a full-width bracket in Chinese text (not before →). */
function tidy(text: Bilingual): Bilingual {
  return t(text.zh.replace(/([）」])\s+(?!→)/g, '$1'), text.en);
}

function validIp(ip: string | undefined): string | undefined {
  return ip && isIP(ip) !== 0 ? ip : undefined;
}

/**
 * Full form for the doctor and logs: the entry with the cause and fix for this API, credential
 * and egress IP. May name the `fromIp` given in context (admins only); never holds secrets.
 */
export function explainErrcode(errcode: number, context: ErrcodeContext = {}): ErrcodeExplanation {
  const family = familyOf(normaliseApi(context.api));
  const credential = credentialFor(family, context.credential);
  const fromIp = validIp(context.fromIp);
  const entry = catalogue.get(errcode) ?? uncatalogued;
  const texts = resolve(entry, { family, credential, fromIp, target: context.target });
  const link = errcodeQueryLink(errcode);
  const values = {
    key: texts.keyOf && keyTexts[texts.keyOf],
    app: appText(credential, context.app),
    ip: fromIp === undefined ? undefined : plain(fromIp),
    link: plain(link),
    target: targetText(context.target),
  };
  let cause = fill(texts.cause, values);
  const namesKey = entry.category === 'credential' || entry.category === 'permission';
  if (namesKey && credential && !cause.zh.includes(secretKeys[credential])) {
    cause = join(cause, fill(usedKeyText, { key: keyTexts[credential] }));
  }
  return {
    errcode,
    category: entry.category,
    meaning: entry.meaning,
    cause: tidy(cause),
    fix: tidy(fill(join(texts.action, texts.more), values)),
    link,
  };
}

/**
 * Short form for `wecom.rejected` answers: one line per language with the code, its meaning and
 * the admin's action. Never holds an IP (the context has none, and anything IP-shaped is masked as
 * a second guard).
 */
export function shortFix(
  errcode: number,
  context: { api?: string; credential?: CredentialName } = {},
): Bilingual {
  const family = familyOf(normaliseApi(context.api));
  const credential = credentialFor(family, context.credential);
  const entry = catalogue.get(errcode) ?? uncatalogued;
  const texts = resolve(entry, { family, credential, fromIp: undefined });
  const action = tidy(
    fill(texts.action, {
      key: texts.keyOf && keyTexts[texts.keyOf],
      app: appText(credential, undefined),
      link: plain(errcodeQueryLink(errcode)),
    }),
  );
  const oneLine = (text: string) => maskIps(text).replace(/\s+/g, ' ').trim();
  return t(
    oneLine(`企业微信返回错误 ${errcode}（${entry.meaning.zh}）。处理：${action.zh}`),
    oneLine(`WeCom returned errcode ${errcode} (${entry.meaning.en}). Fix: ${action.en}`),
  );
}

/** A WeCom admin path with `{app}` named: by the app itself when known, else by the credential's key. */
export function consolePath(
  name: keyof typeof consolePaths,
  context: { credential?: CredentialName; app?: AppIdentity } = {},
): Bilingual {
  return fill(consolePaths[name], { app: appText(context.credential, context.app) });
}

function entryOf(errcode: number): ErrcodeEntry {
  const { link: _link, ...entry } = explainErrcode(errcode);
  return entry;
}

/** Every catalogued errcode with its texts for an unknown situation. */
export const wecomErrcodes: ReadonlyMap<number, ErrcodeEntry> = new Map(
  [...catalogue.keys()].map((errcode) => [errcode, entryOf(errcode)]),
);

/** The catalogue entry, or a generic 'request' entry for codes outside it. */
export function describeErrcode(errcode: number): ErrcodeEntry {
  return wecomErrcodes.get(errcode) ?? entryOf(errcode);
}
