/** Calls per API (path below /cgi-bin/) since start or the last reset. */

export interface CallCounters {
  count(api: string): void;
  get(api?: string): number;
  all(): Record<string, number>;
  reset(): void;
}

/** Distinct keys kept; calls to further unknown paths are counted under OTHER_APIS. */
const MAX_KEYS = 500;
export const OTHER_APIS = '(other)';

export function createCallCounters(): CallCounters {
  const counts = new Map<string, number>();
  let total = 0;
  return {
    count(api) {
      const key = counts.has(api) || counts.size < MAX_KEYS ? api : OTHER_APIS;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total += 1;
    },
    get(api) {
      return api === undefined ? total : (counts.get(api) ?? 0);
    },
    all() {
      return Object.fromEntries(counts);
    },
    reset() {
      counts.clear();
      total = 0;
    },
  };
}
