/** Calls per API (path below /cgi-bin/) since start or the last reset. */

export interface CallCounters {
  count(api: string): void;
  get(api?: string): number;
  all(): Record<string, number>;
  reset(): void;
}

export function createCallCounters(): CallCounters {
  const counts = new Map<string, number>();
  let total = 0;
  return {
    count(api) {
      counts.set(api, (counts.get(api) ?? 0) + 1);
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
