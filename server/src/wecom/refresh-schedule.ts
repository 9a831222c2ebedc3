/**
 * When cached tokens and tickets are refreshed ahead of their expiry: one timer per cache key,
 * replaced when the key is planned again, none after `close()` (the server shuts down). The timers
 * do not keep the process alive.
 */
export interface RefreshSchedule {
  /** Runs `task` at `atMs` (the clock of `now`), replacing what was planned for `key`. */
  plan(key: string, atMs: number, task: () => void): void;
  cancel(key: string): void;
  close(): void;
}

export function createRefreshSchedule(now: () => number = Date.now): RefreshSchedule {
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;
  const cancel = (key: string) => {
    clearTimeout(timers.get(key));
    timers.delete(key);
  };
  return {
    plan(key, atMs, task) {
      cancel(key);
      if (closed) return;
      const timer = setTimeout(
        () => {
          timers.delete(key);
          task();
        },
        Math.max(0, atMs - now()),
      );
      timer.unref();
      timers.set(key, timer);
    },
    cancel,
    close() {
      closed = true;
      for (const key of [...timers.keys()]) cancel(key);
    },
  };
}
