import type { Store } from './store';

/**
 * Remembered display names of WeCom ids (employees, customers, groups), shared by `/api/me` and
 * the admin ID→name mapper. A failed lookup is remembered as unknown for a shorter time.
 */
export type NameKind = 'user' | 'external' | 'groupchat';

export interface NameCache {
  /** `undefined` = never looked up; `null` = looked up, no name available. */
  get(kind: NameKind, id: string): Promise<string | null | undefined>;
  getMany(kind: NameKind, ids: readonly string[]): Promise<(string | null | undefined)[]>;
  set(kind: NameKind, id: string, name: string | null): Promise<void>;
}

const KNOWN_TTL_MS = 24 * 3600_000;
const UNKNOWN_TTL_MS = 10 * 60_000;

export function createNameCache(deps: {
  store: Store;
  /** Reports every lookup (metrics: `cache_requests_total{cache="names"}`). */
  onLookup?: (hit: boolean) => void;
}): NameCache {
  const { store, onLookup = () => {} } = deps;
  const keyOf = (kind: NameKind, id: string) => `name:${kind}:${id}`;
  const decode = (raw: string | null) => {
    onLookup(raw !== null);
    return raw === null ? undefined : raw === '' ? null : raw;
  };
  return {
    get: async (kind, id) => decode(await store.get(keyOf(kind, id))),
    getMany: async (kind, ids) =>
      (await store.getMany(ids.map((id) => keyOf(kind, id)))).map((raw) => decode(raw)),
    set: (kind, id, name) =>
      store.set(keyOf(kind, id), name ?? '', name === null ? UNKNOWN_TTL_MS : KNOWN_TTL_MS),
  };
}
