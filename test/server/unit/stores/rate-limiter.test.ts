import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import {
  type AttemptLimiterOptions,
  createAttemptLimiter,
  createRateLimiter,
  type SlotDecision,
} from '../../../../server/src/stores/rate-limiter';
import { type Store, StoreUnavailableError } from '../../../../server/src/stores/store';
import { startRedisProcess } from '../../../helpers/redis-process';
import { createTestRedisStore, silentLogger, uniquePrefix } from '../../../helpers/stores';

describe.each([
  ['memory', async () => createMemoryStore()],
  ['redis', () => createTestRedisStore({ prefix: uniquePrefix(), logger: silentLogger() })],
])('%s store rate limiter', (_kind, makeStore) => {
  it('allows `points` per key and window, then tells how long to wait', async () => {
    const store = await makeStore();
    try {
      const limiter = createRateLimiter(store, { name: 'test', points: 2, windowSeconds: 30 });
      expect(await limiter.consume('k1')).toEqual({ allowed: true });
      expect(await limiter.consume('k1')).toEqual({ allowed: true });
      const refused = await limiter.consume('k1');
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) {
        expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30);
      }
      expect(await limiter.consume('k2')).toEqual({ allowed: true });
      // Another limiter name counts separately.
      const other = createRateLimiter(store, { name: 'other', points: 1, windowSeconds: 30 });
      expect(await other.consume('k1')).toEqual({ allowed: true });
    } finally {
      await store.close();
    }
  });

  it('gives a point back on refund', async () => {
    const store = await makeStore();
    try {
      const limiter = createRateLimiter(store, { name: 'refund', points: 1, windowSeconds: 30 });
      expect(await limiter.consume('k')).toEqual({ allowed: true });
      await limiter.refund('k');
      expect(await limiter.consume('k')).toEqual({ allowed: true });
      expect((await limiter.consume('k')).allowed).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describe.each([
  ['memory', async () => createMemoryStore()],
  ['redis', () => createTestRedisStore({ prefix: uniquePrefix(), logger: silentLogger() })],
])('%s store attempt limiter', (_kind, makeStore) => {
  let store: Store;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(() => store.close());
  const limiterOn = (on: Store, options: Partial<AttemptLimiterOptions> = {}) =>
    createAttemptLimiter(on, {
      name: 'attempts',
      points: 3,
      windowSeconds: 30,
      slotTtlMs: 5000,
      maxWaiting: 100,
      ...options,
    });
  const within = (ms: number) => AbortSignal.timeout(ms);
  const granted = (decision: SlotDecision) => {
    if (!decision.granted) throw new Error(`refused: ${decision.reason}`);
    return decision;
  };

  it('grants `points` slots, and the next caller waits for a release instead of being refused', async () => {
    const limiter = limiterOn(store);
    const held = await Promise.all([1, 2, 3].map(() => limiter.acquire('ip', within(5000))));
    expect(held.every((decision) => decision.granted)).toBe(true);
    let fourth: SlotDecision | undefined;
    const waiting = limiter.acquire('ip', within(5000)).then((decision) => {
      fourth = decision;
      return decision;
    });
    await sleep(100);
    expect(fourth).toBeUndefined();
    await granted(held[0]!).release();
    held[0] = await waiting;
    // Other keys have slots of their own.
    held.push(await limiter.acquire('other-ip', within(1000)));
    await Promise.all(held.map((decision) => granted(decision).release()));
  });

  it('answers busy when no slot comes before the deadline, and busy at once past maxWaiting', async () => {
    const limiter = limiterOn(store, { points: 1, maxWaiting: 2 });
    const held = granted(await limiter.acquire('ip', within(1000)));
    const late = limiter.acquire('ip', within(150));
    const second = limiter.acquire('ip', within(150));
    expect(await limiter.acquire('ip', within(5000))).toEqual({
      granted: false,
      reason: 'busy',
      retryAfterSeconds: 1,
    });
    expect(await late).toMatchObject({ granted: false, reason: 'busy' });
    expect(await second).toMatchObject({ granted: false, reason: 'busy' });
    await held.release();
  });

  it('counts failures against the slots: at most `points` attempts fail per window, then every caller is refused at once', async () => {
    const limiter = limiterOn(store);
    let attempts = 0;
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const decision = await limiter.acquire('ip', within(5000));
        if (!decision.granted) return decision;
        attempts += 1;
        await sleep(5);
        await limiter.countFailure('ip');
        await decision.release();
        return decision;
      }),
    );
    expect(attempts).toBe(3);
    const refused = answers.filter((decision) => !decision.granted);
    expect(refused).toHaveLength(47);
    for (const decision of refused) {
      expect(decision).toMatchObject({ granted: false, reason: 'failures' });
      if (!decision.granted) expect(decision.retryAfterSeconds).toBeLessThanOrEqual(30);
    }
  });

  it('lets successful attempts through one remaining slot, one after the other', async () => {
    const limiter = limiterOn(store);
    await limiter.countFailure('ip');
    await limiter.countFailure('ip');
    let inFlight = 0;
    let most = 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const decision = granted(await limiter.acquire('ip', within(5000)));
        most = Math.max(most, ++inFlight);
        await sleep(2);
        inFlight -= 1;
        await decision.release();
        return decision.granted;
      }),
    );
    expect(answers).toEqual(Array(20).fill(true));
    expect(most).toBe(1);
  });

  it('shares the slots between instances on one store', async () => {
    const a = limiterOn(store, { points: 2 });
    const b = limiterOn(store, { points: 2 });
    const onA = granted(await a.acquire('ip', within(1000)));
    const onB = granted(await b.acquire('ip', within(1000)));
    let answered = false;
    const waiting = b.acquire('ip', within(3000)).finally(() => {
      answered = true;
    });
    await sleep(100);
    expect(answered).toBe(false);
    // Released on A, taken by B's caller (B looks at the store again by itself).
    await onA.release();
    const taken = granted(await waiting);
    expect(await a.acquire('ip', within(200))).toMatchObject({ reason: 'busy' });
    await Promise.all([onB.release(), taken.release()]);
  });

  it('keeps a held slot past its lease by renewing it, and frees the slot of a holder that died', async () => {
    const limiter = limiterOn(store, { points: 2, slotTtlMs: 300 });
    const held = granted(await limiter.acquire('ip', within(1000)));
    // A holder that died: its slot was taken and is never renewed nor released.
    await store.takeSlots('ratelimit:attempts:{ip}:slots', ['dead-instance'], {
      counterKey: 'ratelimit:attempts:{ip}',
      limit: 2,
      ttlMs: 300,
    });
    expect(await limiter.acquire('ip', within(100))).toMatchObject({ reason: 'busy' });
    const started = Date.now();
    const next = granted(await limiter.acquire('ip', within(3000)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    // The renewed slot is still held: nothing else fits.
    await sleep(400);
    expect(await limiter.acquire('ip', within(100))).toMatchObject({ reason: 'busy' });
    await held.release();
    await next.release();
  });
});

it('fails with StoreUnavailableError (not a refusal) while Redis is down', async () => {
  const redis = await startRedisProcess();
  const store = await createTestRedisStore({ url: redis.url });
  const limiter = createRateLimiter(store, { name: 'outage', points: 5, windowSeconds: 30 });
  try {
    expect(await limiter.consume('k')).toEqual({ allowed: true });
  } finally {
    await redis.stop();
  }
  try {
    await expect(limiter.consume('k')).rejects.toBeInstanceOf(StoreUnavailableError);
  } finally {
    await store.close();
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
