import { createPacer } from '../../../server/src/webhooks/pacer';

// The lanes' pacer: a delivery waits while the event loop has been busy, so that requests
// answered on the same loop do not queue behind webhook work.

/** Keeps the event loop busy for `ms` (short synchronous slices, as deliveries are). */
async function spin(ms: number): Promise<number> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const slice = performance.now() + 5;
    while (performance.now() < slice) {
      // busy
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now();
}

describe('the webhook pacer', () => {
  it('makes room at once on an idle loop', async () => {
    const pacer = createPacer({ busyAbove: 0.5, sampleMs: 10 });
    try {
      // Idle for a while: every sample since is near 0.
      await new Promise((resolve) => setTimeout(resolve, 100));
      let made = false;
      void pacer.room().then(() => {
        made = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(made).toBe(true);
    } finally {
      pacer.close();
    }
  });

  it('lets a waiting delivery go when it is closed', async () => {
    const pacer = createPacer({ busyAbove: 0.5, sampleMs: 10 });
    const spinning = spin(100);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const waiting = pacer.room();
    pacer.close();
    await spinning;
    await expect(waiting).resolves.toBeUndefined();
  });

  it('lets a waiting delivery go when its signal aborts, and goes on pacing the others', async () => {
    const pacer = createPacer({ busyAbove: 0.5, sampleMs: 10 });
    try {
      const spinning = spin(300);
      await new Promise((resolve) => setTimeout(resolve, 60));
      const stop = new AbortController();
      const stopped = pacer.room(stop.signal).then(() => performance.now());
      const other = pacer.room().then(() => performance.now());
      await new Promise((resolve) => setTimeout(resolve, 30));
      stop.abort();
      const spunAt = await spinning;
      // The aborted one went while the loop was still busy; the other waited for it to be idle.
      expect(await stopped).toBeLessThan(spunAt);
      expect(await other).toBeGreaterThanOrEqual(spunAt);
    } finally {
      pacer.close();
    }
  });

  it('holds a delivery back while the loop is busy, and lets it go once the loop is idle', async () => {
    const pacer = createPacer({ busyAbove: 0.5, sampleMs: 10 });
    try {
      const spinning = spin(300);
      await new Promise((resolve) => setTimeout(resolve, 60));
      const madeAt = pacer.room().then(() => performance.now());
      const spunAt = await spinning;
      expect(await madeAt).toBeGreaterThanOrEqual(spunAt);
    } finally {
      pacer.close();
    }
  });
});
