/**
 * Preloaded into the gateways of `npm run bench:corps` (`node --expose-gc --require
 * bench/corps-probe.cjs`, with an IPC channel): asked `memory` by the bench, it runs a full garbage
 * collection and answers the process's memory (bench/corps.ts, `ProbeAnswer`), so that the figures
 * compared between 1, 10 and 100 corps are live memory rather than whatever garbage V8 had not
 * collected yet. It does nothing else: no timer, and the channel does not keep the process alive.
 * Plain JavaScript, so that it loads into the built server (dist/) without a TypeScript loader.
 */

process.on('message', (message) => {
  if (message !== 'memory' || !process.send) return;
  globalThis.gc?.();
  globalThis.gc?.();
  const usage = process.memoryUsage();
  /** What keeps the event loop alive (ref'd handles and timers), by type. */
  const resources = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  process.send({
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    externalBytes: usage.external,
    resources,
  });
});
// After the listener (adding one refs the channel again).
process.channel?.unref();
