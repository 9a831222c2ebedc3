import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

// POST /api/admin/names answers within its deadline (WECOM_TIMEOUT_MS) whatever WeCom does, with
// what resolved and the rest unresolved, and stops calling WeCom when the client leaves.

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const DEADLINE_MS = 1000;
/** Room for a loaded machine: the bound is the deadline plus this, not a speed target. */
const SLACK_MS = 2000;
const DETAIL = 'externalcontact/get';

let simulator: Simulator;
let gateway: TestGateway;
beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({
    simulator,
    env: { ADMIN_TOKEN, WECOM_TIMEOUT_MS: String(DEADLINE_MS) },
  });
});
afterAll(() => gateway.close());
beforeEach(() => simulator.resetCalls());
afterEach(() => simulator.clearFaults());

/** `count` customer ids no lookup has asked about yet (so none is remembered). */
let fresh = 0;
const customers = (count: number) =>
  Array.from({ length: count }, () => ({ type: 'external', id: `wmYsFresh${++fresh}` }));

interface NamesBody {
  names: { id: string }[];
  unresolved: { id: string; reason: string; errcode?: number }[];
}

async function timedNames(ids: { type: string; id: string }[]) {
  const started = performance.now();
  const answer = await gateway.request<NamesBody>('POST', '/api/admin/names', {
    token: ADMIN_TOKEN,
    body: { ids },
  });
  return { answer, ms: performance.now() - started };
}

describe('POST /api/admin/names within its deadline', () => {
  it('should answer under a lasting 45009 with the ids unresolved by the deadline', async () => {
    simulator.injectFault({ api: DETAIL, kind: 'errcode', errcode: 45009 });
    const ids = customers(40);
    const { answer, ms } = await timedNames(ids);
    expect(answer.status).toBe(200);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(answer.body.names).toEqual([]);
    expect(answer.body.unresolved).toHaveLength(40);
    expect(new Set(answer.body.unresolved.map((u) => u.reason))).toEqual(new Set(['deadline']));
    // The ids WeCom was asked about say why they are not done.
    expect(answer.body.unresolved.filter((u) => u.errcode === 45009).length).toBeGreaterThan(0);
  });

  it('should answer while WeCom hangs, with what resolved before it did', async () => {
    simulator.injectFault({ api: DETAIL, kind: 'hang', after: 2 });
    const ids = [{ type: 'user', id: 'zhangsan' }, ...customers(30)];
    const { answer, ms } = await timedNames(ids);
    expect(answer.status).toBe(200);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(answer.body.names.map((n) => n.id)).toEqual(['zhangsan']);
    expect(answer.body.unresolved.map((u) => u.reason)).toContain('deadline');
    expect(answer.body.unresolved).toHaveLength(30);
  });

  it('should point a list over the limit to the names job', async () => {
    const answer = await gateway.request('POST', '/api/admin/names', {
      token: ADMIN_TOKEN,
      body: { ids: customers(201) },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(errorBody(answer.body).data)).toContain('npm run names');
  });

  it('should stop calling WeCom once the client leaves', async () => {
    // Each call takes 300 ms: 200 ids at 8 in flight would keep WeCom busy for ~7.5 s.
    simulator.injectFault({ api: DETAIL, kind: 'latency', ms: 300 });
    const slow = await startTestGateway({ simulator, env: { ADMIN_TOKEN } }); // deadline 5 s
    try {
      const client = new AbortController();
      const request = fetch(`${slow.url}/api/admin/names`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ids: customers(200) }),
        signal: client.signal,
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      client.abort();
      await expect(request).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const atAbort = simulator.calls(DETAIL);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(simulator.calls(DETAIL)).toBe(atAbort);
      expect(atAbort).toBeLessThan(40);
    } finally {
      await slow.close();
    }
  });
});
