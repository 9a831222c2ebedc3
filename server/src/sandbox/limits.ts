/** Optional WeCom-like limits per API: calls per minute (45009) and concurrent calls (45033). */

export interface ApiLimits {
  /** Registers one call; returns the errcode to answer (or 0) and a release for the in-flight count. */
  enter(api: string): { errcode: 0 | 45009 | 45033; release: () => void };
}

export function createApiLimits(deps: {
  now: () => number;
  perMinute?: number;
  maxConcurrency?: number;
}): ApiLimits {
  const windows = new Map<string, { minute: number; count: number }>();
  const inFlight = new Map<string, number>();
  const noop = () => {};

  return {
    enter(api) {
      if (deps.perMinute !== undefined) {
        const minute = Math.floor(deps.now() / 60_000);
        const window = windows.get(api);
        if (!window || window.minute !== minute) windows.set(api, { minute, count: 1 });
        else if (++window.count > deps.perMinute) return { errcode: 45009, release: noop };
      }
      if (deps.maxConcurrency === undefined) return { errcode: 0, release: noop };
      const current = (inFlight.get(api) ?? 0) + 1;
      inFlight.set(api, current);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        inFlight.set(api, (inFlight.get(api) ?? 1) - 1);
      };
      return { errcode: current > deps.maxConcurrency ? 45033 : 0, release };
    },
  };
}
