import { createMemo } from './memo';
import type { Store } from './store';

/**
 * Remembered display names of WeCom ids (employees, customers, groups), shared by `/api/me` and
 * the admin ID→name mapper. A failed lookup is remembered as unknown for a shorter time, with
 * WeCom's errcode when it refused.
 */
export type NameKind = 'user' | 'external' | 'groupchat';

/** A remembered answer: the name, or null with the errcode of WeCom's refusal if there was one. */
export interface RememberedName {
  name: string | null;
  errcode?: number;
}

export interface NameCache {
  /** `undefined` = never looked up; `null` = looked up, no name available. */
  get(kind: NameKind, id: string): Promise<string | null | undefined>;
  /** `undefined` for ids never looked up. */
  getMany(kind: NameKind, ids: readonly string[]): Promise<(RememberedName | undefined)[]>;
  /** `errcode` (with a null name): WeCom's refusal, remembered with it. */
  set(kind: NameKind, id: string, name: string | null, errcode?: number): Promise<void>;
}

const KNOWN_TTL_MS = 24 * 3600_000;
const REFUSED = '\u0000errcode:';
const UNKNOWN_TTL_MS = 10 * 60_000;
/** Names seen by this process are kept here briefly, so `/api/me` does not ask the store each time. */
const MEMO_TTL_MS = 60_000;
const MEMO_SIZE = 10_000;

export function createNameCache(deps: {
  store: Store;
  /** Reports every lookup (metrics: `cache_requests_total{cache="names"}`). */
  onLookup?: (hit: boolean) => void;
}): NameCache {
  const { store, onLookup = () => {} } = deps;
  const keyOf = (kind: NameKind, id: string) => `name:${kind}:${id}`;
  // In the store and the memo, '' stands for "looked up, no name" and REFUSED + errcode for
  // "looked up, WeCom refused with that errcode" (no name starts with a NUL character).
  const memo = createMemo<string, string>(MEMO_SIZE, MEMO_TTL_MS);
  const decode = (raw: string | null | undefined): RememberedName | undefined => {
    onLookup(raw != null);
    if (raw == null) return undefined;
    if (raw === '') return { name: null };
    if (raw.startsWith(REFUSED)) {
      const errcode = Number(raw.slice(REFUSED.length));
      return Number.isInteger(errcode) ? { name: null, errcode } : { name: null };
    }
    return { name: raw };
  };

  async function getMany(kind: NameKind, ids: readonly string[]) {
    const keys = ids.map((id) => keyOf(kind, id));
    const raws: (string | null | undefined)[] = keys.map((key) => memo.get(key));
    const missing = keys.filter((_, index) => raws[index] === undefined);
    if (missing.length > 0) {
      const fetched = await store.getMany(missing);
      let next = 0;
      raws.forEach((raw, index) => {
        if (raw !== undefined) return;
        const value = fetched[next++] ?? null;
        raws[index] = value;
        if (value !== null) memo.set(keys[index]!, value);
      });
    }
    return raws.map(decode);
  }

  return {
    // A name this process has seen is answered from the memo without getMany's lists (`/api/me`).
    async get(kind, id) {
      const raw = memo.get(keyOf(kind, id));
      return (raw === undefined ? (await getMany(kind, [id]))[0] : decode(raw))?.name;
    },
    getMany,
    async set(kind, id, name, errcode) {
      const key = keyOf(kind, id);
      const raw = name ?? (errcode === undefined ? '' : `${REFUSED}${errcode}`);
      await store.set(key, raw, name === null ? UNKNOWN_TTL_MS : KNOWN_TTL_MS);
      memo.set(key, raw);
    },
  };
}
