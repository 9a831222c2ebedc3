import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Org } from '../../../server/src/org';
import type { Simulator } from '../../../server/src/sandbox/index';
import type { Store } from '../../../server/src/stores/store';
import { eventually } from '../../helpers/callbacks';
import { orgStack } from '../../helpers/org';
import { simulatorCorpEnv, startTestSimulator } from '../../helpers/simulator';
import { createTestRedisStore, testRedisUrl, uniquePrefix } from '../../helpers/stores';

/** The org sync's queue on the job engine, as BullMQ keeps it under the store's prefix. */
function syncQueue(prefix: string) {
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue('org-sync', { connection, prefix: `{${prefix}jobs}` });
  return {
    jobs: (
      states: ('completed' | 'failed' | 'active' | 'waiting' | 'delayed')[] = [
        'completed',
        'failed',
        'active',
        'waiting',
        'delayed',
      ],
    ) => queue.getJobs(states),
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

const onlyJob = async (jobs: Job[]) => {
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
};

describe('full syncs on the job engine: bounded retries', () => {
  let sim: Simulator;
  let prefix: string;
  let store: Store;
  let stack: ReturnType<typeof orgStack>;
  let org: Org;
  let queue: ReturnType<typeof syncQueue>;
  beforeEach(async () => {
    sim = await startTestSimulator();
    prefix = uniquePrefix();
    store = await createTestRedisStore({ prefix });
    stack = orgStack(sim, store, {
      jobs: { prefix, tuning: { attempts: 3, backoffMs: 300 } },
    });
    org = stack.org;
    queue = syncQueue(prefix);
  });
  afterEach(async () => {
    await stack.close();
    await queue.close();
    await store.close();
  });
  /** The jobs once one has ended in `state`. */
  const finished = async (state: 'completed' | 'failed') => {
    await eventually(
      () => queue.jobs([state]),
      (jobs) => jobs.length > 0,
      20_000,
    );
    return queue.jobs();
  };

  it('tries a sync WeCom failed again after a pause, and it completes', async () => {
    const down = sim.injectFault({ api: 'department/list', kind: 'http', status: 503 });
    await org.requestSync();
    const first = await eventually(
      () => org.syncStatus(),
      (status) => status.last !== null,
      20_000,
    );
    expect(first.last).toMatchObject({ ok: false, error: { reason: 'wecom_unavailable' } });
    down();
    const done = await eventually(
      () => org.syncStatus(),
      (status) => status.last?.ok === true,
      20_000,
    );
    expect(done.last).toMatchObject({ ok: true, changes: 18 });
    const job = await onlyJob(await finished('completed'));
    expect(job.attemptsMade).toBe(2);
    // The retry came after the back-off.
    expect(
      Date.parse(done.last!.startedAt) - Date.parse(first.last!.finishedAt),
    ).toBeGreaterThanOrEqual(250);
  }, 40_000);

  it('gives up after the last attempt, and never runs the job again', async () => {
    sim.injectFault({ api: 'department/list', kind: 'http', status: 503 });
    await org.requestSync();
    const job = await onlyJob(await finished('failed'));
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toMatch(/^wecom_unavailable: WeCom unavailable/);
    const calls = sim.calls('department/list');
    // Longer than the next back-off would be: nothing more runs.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(sim.calls('department/list')).toBe(calls);
    expect((await org.syncStatus()).last).toMatchObject({ ok: false });
    // The claim is free: a new request is taken.
    await expect(org.requestSync()).resolves.toEqual({ running: true });
  }, 40_000);

  it('does not try again what WeCom refused (an admin must change something first)', async () => {
    sim.setTrustedIps(['203.0.113.10']);
    await org.requestSync();
    const job = await onlyJob(await finished('failed'));
    sim.setTrustedIps(null);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^refused: WeCom department\/list refused with errcode 60020/);
    expect(sim.calls('department/list')).toBe(1);
  }, 40_000);
});

describe('full syncs on the job engine: an instance that dies while syncing', () => {
  const root = join(__dirname, '../../..');
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  /** An instance's org worker in a process of its own (see test/helpers/org-worker.ts). */
  async function worker(sim: Simulator, prefix: string, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'test/helpers/org-worker.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...simulatorCorpEnv(sim),
        // Longer than the test: the sync waits for the hanging WeCom until the process dies.
        WECOM_TIMEOUT_MS: '60000',
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: prefix,
        ORG_JOB_TUNING: JSON.stringify({ lockDurationMs: 1000, stalledIntervalMs: 500 }),
        ...env,
      },
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the worker exited with ${code}: ${stderr}`)));
    });
    return child;
  }

  /** Waits until `count` syncs have asked WeCom for the departments, then kills `child`. */
  async function killWhenSyncing(sim: Simulator, child: ChildProcess, count: number) {
    const seen = await eventually(
      async () => sim.calls('department/list'),
      (calls) => calls >= count,
      20_000,
    );
    expect(seen).toBe(count);
    child.kill('SIGKILL');
  }

  // The first instance asks for the sync, or every instance schedules periodic ones.
  it.each([
    ['an asked-for sync', { ORG_REQUEST: '1' }, {}],
    [
      'a periodic sync from the job scheduler',
      { ORG_SYNC_INTERVAL_SECONDS: '3600' },
      { ORG_SYNC_INTERVAL_SECONDS: '3600' },
    ],
  ])(
    '%s is run once more by another instance, then failed, not passed on',
    async (_name, first, env) => {
      const sim = await startTestSimulator();
      // Every sync hangs on its first WeCom call: each instance that runs it is killed there.
      sim.injectFault({ api: 'department/list', kind: 'hang' });
      const prefix = uniquePrefix();
      const queue = syncQueue(prefix);
      try {
        await killWhenSyncing(sim, await worker(sim, prefix, first), 1);
        await killWhenSyncing(sim, await worker(sim, prefix, env), 2);
        // The third instance finds the job stalled again: it fails it without running it.
        await worker(sim, prefix, env);
        const failed = await eventually(
          () => queue.jobs(['failed']),
          (list) => list.length > 0,
          20_000,
        );
        expect(failed).toHaveLength(1);
        expect(failed[0]!.failedReason).toMatch(/stalled/);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(sim.calls('department/list')).toBe(2);
      } finally {
        await queue.close();
      }
    },
    90_000,
  );
});
