import { performance } from 'node:perf_hooks';

/**
 * Keeps the webhook lanes from filling the event loop that the callback receivers (and every other
 * request) are answered on. A lane is CPU-bound while its receiver answers at once — signing, the
 * HTTP exchange, the store — and a busy loop makes every other request's steps wait in its queue.
 * The pacer samples the loop's utilization (the share of time it was not idle) every `sampleMs`;
 * before each delivery a lane waits while the last sample is above `busyAbove`, so deliveries use
 * what the loop has to spare and requests still find it idle often enough to be answered at once.
 */
export interface Pacer {
  /** Resolves once the event loop has room (at once when it has), or once `signal` aborts. */
  room(signal?: AbortSignal): Promise<void>;
  close(): void;
}

export function createPacer(options: { busyAbove: number; sampleMs: number }): Pacer {
  const { busyAbove, sampleMs } = options;
  let previous = performance.eventLoopUtilization();
  let busy = 0;
  const sampler = setInterval(() => {
    const current = performance.eventLoopUtilization();
    busy = performance.eventLoopUtilization(current, previous).utilization;
    previous = current;
  }, sampleMs);
  sampler.unref();
  return {
    async room(signal) {
      while (busy > busyAbove && !signal?.aborted)
        await new Promise((resolve) => setTimeout(resolve, sampleMs));
    },
    close() {
      clearInterval(sampler);
      // No more samples: a lane waiting for room goes on (and finds the engine closing).
      busy = 0;
    },
  };
}
