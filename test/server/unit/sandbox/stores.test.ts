import { CODE_TTL_MS, createCodeStore } from '../../../../server/src/sandbox/codes';
import { createCallCounters, OTHER_APIS } from '../../../../server/src/sandbox/counters';
import { createFaultRegistry } from '../../../../server/src/sandbox/faults';
import { createTokenStore } from '../../../../server/src/sandbox/tokens';

describe('sandbox token store', () => {
  it('checks missing, unknown, live, expired and invalidated tokens', () => {
    let clock = 0;
    const store = createTokenStore<string>({ now: () => clock, ttlSeconds: 10 });
    const { token, expiresIn } = store.issue('app');
    expect(expiresIn).toBe(10);
    expect(store.check(undefined)).toEqual({ ok: false, errcode: 41001 });
    expect(store.check('nope')).toEqual({ ok: false, errcode: 40014 });
    expect(store.check(token)).toEqual({ ok: true, app: 'app' });
    clock = 10_000;
    expect(store.check(token)).toEqual({ ok: false, errcode: 42001 });
    const second = store.issue('other').token;
    store.invalidateAll();
    expect(store.check(second)).toEqual({ ok: false, errcode: 40014 });
  });
});

describe('sandbox code store', () => {
  it('consumes a code once and refuses it after five minutes', () => {
    let clock = 0;
    const store = createCodeStore({ now: () => clock });
    const code = store.issue({ userid: 'u', corpId: 'c' });
    expect(store.consume(code)).toEqual({ userid: 'u', corpId: 'c' });
    expect(store.consume(code)).toBeUndefined();
    const late = store.issue({ userid: 'u', corpId: 'c' });
    clock += CODE_TTL_MS;
    expect(store.consume(late)).toBeUndefined();
  });
});

describe('sandbox fault registry', () => {
  it('adds latency of every match, picks the first terminal fault and counts `times`', () => {
    const faults = createFaultRegistry();
    faults.add({ kind: 'latency', ms: 5 });
    faults.add({ kind: 'latency', ms: 7, api: 'a', times: 1 });
    const first = faults.add({ kind: 'errcode', errcode: -1, api: 'a', times: 2 });
    faults.add({ kind: 'drop', api: 'a' });
    expect(faults.plan('b')).toEqual({ latencyMs: 5 });
    expect(faults.plan('a')).toEqual({
      latencyMs: 12,
      terminal: { kind: 'errcode', errcode: -1, api: 'a', times: 2 },
    });
    expect(faults.plan('a').terminal?.kind).toBe('errcode');
    expect(faults.plan('a')).toEqual({ latencyMs: 5, terminal: { kind: 'drop', api: 'a' } });
    expect(faults.remove(first)).toBe(false);
    faults.clear();
    expect(faults.plan('a')).toEqual({ latencyMs: 0 });
  });
});

describe('sandbox call counters', () => {
  it('counts per API and in total, and bounds the number of keys', () => {
    const counters = createCallCounters();
    counters.count('gettoken');
    counters.count('gettoken');
    expect(counters.get('gettoken')).toBe(2);
    expect(counters.get('user/get')).toBe(0);
    for (let i = 0; i < 600; i++) counters.count(`junk/${i}`);
    expect(Object.keys(counters.all()).length).toBeLessThanOrEqual(501);
    expect(counters.get(OTHER_APIS)).toBeGreaterThan(0);
    expect(counters.get()).toBe(602);
    counters.reset();
    expect(counters.all()).toEqual({});
  });
});
