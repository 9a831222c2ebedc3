/**
 * Preloaded into the gateways of `npm run bench:corps` (`node --expose-gc --require
 * bench/corps-probe.ts`, with an IPC channel): asked `memory` by the bench, it runs a full garbage
 * collection and answers the process's memory, so that the figures compared between 1, 10 and 100
 * corps are live memory rather than whatever garbage V8 had not collected yet. It does nothing
 * else: no timer, and the channel does not keep the process alive.
 */

export interface ProbeAnswer {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  /** What keeps the event loop alive (ref'd handles and timers), by type. */
  resources: Record<string, number>;
}

const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (message) => {
  if (message !== 'memory' || !process.send) return;
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  const answer: ProbeAnswer = {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    externalBytes: usage.external,
    resources,
  };
  process.send(answer);
});
// After the listener (adding one refs the channel again).
process.channel?.unref();
