import type { Simulator } from '../../../server/src/sandbox/index';
import { createMemoryStore } from '../../../server/src/stores/memory-store';
import { CALLBACK_ENV, DIRECTORY_CALLBACK, eventually } from '../../helpers/callbacks';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import {
  plain,
  readSnapshot,
  type SyncStatusBody,
  settledSync,
  TEST_ORG_TUNING,
  truthOf,
} from '../../helpers/org';
import { startTestSimulator } from '../../helpers/simulator';
import { expectIncreasing, testRedisUrl, uniquePrefix } from '../../helpers/stores';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

interface ChangesBody {
  changes: { seq: string; kind: string; op: string; id: string | number }[];
  next: string | null;
}

describe('org routes on BullMQ, two instances sharing Redis', () => {
  let sim: Simulator;
  let one: TestGateway;
  let two: TestGateway;
  beforeAll(async () => {
    sim = await startTestSimulator();
    const prefix = uniquePrefix();
    const env = { ADMIN_TOKEN, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix };
    one = await startTestGateway({ simulator: sim, env, prefix, orgSync: TEST_ORG_TUNING });
    two = await startTestGateway({ simulator: sim, env, prefix, orgSync: TEST_ORG_TUNING });
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });
  const get = <T>(gateway: TestGateway, path: string) =>
    gateway.request<T>('GET', path, { token: ADMIN_TOKEN });

  it('answers an empty org before the first sync', async () => {
    expect((await get(one, '/api/admin/org/departments')).body).toEqual({ departments: [] });
    expect((await get(one, '/api/admin/org/members')).body).toEqual({
      members: [],
      nextCursor: null,
    });
    expect((await get(one, '/api/admin/org/changes')).body).toEqual({ changes: [], next: null });
    expect((await get(one, '/api/admin/org/sync')).body).toEqual({ running: false, last: null });
  });

  it('two instances asked to sync at once run one sync: 202 for one, 409 org.sync_running for the other', async () => {
    // A slow department/list keeps the sync running while both requests arrive.
    const slow = sim.injectFault({ api: 'department/list', kind: 'latency', ms: 300, times: 1 });
    sim.resetCalls();
    const answers = await Promise.all(
      [one, two].map((gateway) =>
        gateway.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(errorBody(refused.body).code).toBe('org.sync_running');
    expect(answers.find((a) => a.status === 202)!.body).toEqual({ running: true });
    const running = await get<SyncStatusBody>(two, '/api/admin/org/sync');
    expect(running.body.running).toBe(true);

    const done = await settledSync(one, ADMIN_TOKEN);
    slow();
    expect(done.last).toMatchObject({ ok: true, dryRun: false, changes: 18, wecomCalls: 6 });
    // One sync in all: one department/list, one user/list per department.
    expect(sim.calls('department/list')).toBe(1);
    expect(sim.calls('user/list')).toBe(5);
    // And the claim is free again.
    const again = await two.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN });
    expect(again.status).toBe(202);
    expect((await settledSync(two, ADMIN_TOKEN, done.last!.startedAt)).last).toMatchObject({
      ok: true,
      changes: 0,
    });
  });

  it('shows the department tree, members a page at a time and the change feed', async () => {
    const tree = await get<{ departments: unknown[] }>(one, '/api/admin/org/departments');
    expect(tree.status).toBe(200);
    // The visible range's tops (parent 1 is not visible) in WeCom's order, 华东销售组 below 销售部.
    expect(tree.body.departments).toEqual([
      {
        id: 2,
        name: '销售部',
        parentid: 1,
        order: 99999000,
        children: [{ id: 3, name: '华东销售组', parentid: 2, order: 99998000 }],
      },
      { id: 4, name: '市场部', parentid: 1, order: 99997000 },
      { id: 5, name: '客户成功部', parentid: 1, order: 99996000 },
      { id: 6, name: '技术部', parentid: 1, order: 99995000 },
    ]);

    const first = await get<{ members: { userid: string }[]; nextCursor: string }>(
      one,
      '/api/admin/org/members?limit=5',
    );
    expect(first.body.members.map((m) => m.userid)).toEqual([
      'chenjing',
      'huangli',
      'lisi',
      'liuyang',
      'sunqi',
    ]);
    const rest = await get<{ members: { userid: string }[]; nextCursor: string | null }>(
      two,
      `/api/admin/org/members?limit=1000&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body.members).toHaveLength(8);
    expect(rest.body.nextCursor).toBeNull();

    const sales = await get<{ members: unknown[] }>(one, '/api/admin/org/members?departmentId=2');
    expect(sales.body.members).toEqual([
      {
        userid: 'huangli',
        name: '黄丽',
        department: [5, 2],
        mainDepartment: 5,
        position: '售前顾问',
        status: 1,
      },
      expect.objectContaining({ userid: 'lisi' }),
      expect.objectContaining({ userid: 'yangfan' }),
      expect.objectContaining({ userid: 'zhangsan' }),
    ]);

    const page = await get<ChangesBody>(one, '/api/admin/org/changes?after=0&limit=10');
    const seqs = page.body.changes.map((c) => c.seq);
    expect(seqs).toHaveLength(10);
    expect(page.body.next).toBe(seqs[9]);
    const tail = await get<ChangesBody>(
      one,
      `/api/admin/org/changes?after=${page.body.next}&limit=1000`,
    );
    expect(tail.body.next).toBeNull();
    const all = [...seqs, ...tail.body.changes.map((c) => c.seq)];
    expect(all).toHaveLength(18);
    expectIncreasing(all);
  });

  it('reads the feed newest first, and filtered by kind, op and text, in pages', async () => {
    const all = (await get<ChangesBody>(one, '/api/admin/org/changes?limit=1000')).body.changes;
    const newest = await get<ChangesBody>(one, '/api/admin/org/changes?order=desc&limit=5');
    expect(newest.body).toEqual({ changes: all.slice(-5).reverse(), next: all.at(-5)!.seq });
    const older = await get<ChangesBody>(
      one,
      `/api/admin/org/changes?order=desc&before=${newest.body.next}&limit=1000`,
    );
    expect(older.body).toEqual({ changes: all.slice(0, -5).reverse(), next: null });

    const departments = await get<ChangesBody>(
      one,
      '/api/admin/org/changes?order=desc&kind=department&op=created&limit=1000',
    );
    expect(departments.body.changes).toEqual(all.filter((c) => c.kind === 'department').reverse());
    expect(departments.body.changes).toHaveLength(5);
    expect((await get(one, '/api/admin/org/changes?op=deleted')).body).toEqual({
      changes: [],
      next: null,
    });
    // Text: in the id or the name, case-insensitively.
    for (const q of ['HUANG', '黄丽']) {
      const found = await get<ChangesBody>(
        one,
        `/api/admin/org/changes?q=${encodeURIComponent(q)}`,
      );
      expect(found.body.changes.map((c) => c.id)).toEqual(['huangli']);
    }
    const sales = await get<ChangesBody>(
      one,
      `/api/admin/org/changes?q=${encodeURIComponent('销售')}&kind=department`,
    );
    expect(sales.body.changes.map((c) => c.id)).toEqual([2, 3]);
    // A filtered page ends at its last record: the next one goes on from there.
    const firstMember = await get<ChangesBody>(one, '/api/admin/org/changes?kind=member&limit=1');
    const members = all.filter((c) => c.kind === 'member');
    expect(firstMember.body).toEqual({ changes: [members[0]], next: members[0]!.seq });
    const secondMember = await get<ChangesBody>(
      one,
      `/api/admin/org/changes?kind=member&limit=1&after=${firstMember.body.next}`,
    );
    expect(secondMember.body.changes).toEqual([members[1]]);
  });

  it('refuses bad queries with guard.invalid_input', async () => {
    for (const path of [
      '/api/admin/org/members?limit=0',
      '/api/admin/org/members?limit=1001',
      '/api/admin/org/members?departmentId=abc',
      '/api/admin/org/members?cursor=not-one-of-ours',
      '/api/admin/org/changes?after=-1',
      '/api/admin/org/changes?after=abc',
      '/api/admin/org/changes?after=1-2-3',
      '/api/admin/org/changes?before=1-0',
      '/api/admin/org/changes?order=desc&after=1-0',
      '/api/admin/org/changes?order=newest',
      '/api/admin/org/changes?kind=team',
      '/api/admin/org/changes?op=moved',
      `/api/admin/org/changes?q=${'x'.repeat(101)}`,
      '/api/admin/org/changes?limit=0',
      '/api/admin/org/changes?limit=5000',
    ]) {
      const answer = await get(one, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    }
  });

  it('is for admins only', async () => {
    const token = await one.login('zhangsan');
    for (const [method, path] of [
      ['GET', '/api/admin/org/departments'],
      ['GET', '/api/admin/org/members'],
      ['GET', '/api/admin/org/changes'],
      ['GET', '/api/admin/org/sync'],
      ['POST', '/api/admin/org/sync'],
    ] as const) {
      expect((await one.request(method, path, { token })).status).toBe(403);
      expect((await one.request(method, path)).status).toBe(401);
    }
  });

  it('answers employees’ names from the org snapshot without asking WeCom', async () => {
    sim.resetCalls();
    const answer = await one.request<{ names: unknown[] }>('POST', '/api/admin/names', {
      token: ADMIN_TOKEN,
      body: {
        ids: [
          { type: 'user', id: 'zhangsan' },
          { type: 'user', id: 'huangli' },
        ],
      },
    });
    expect(answer.body.names).toEqual([
      { type: 'user', id: 'zhangsan', name: '张三', source: 'org' },
      { type: 'user', id: 'huangli', name: '黄丽', source: 'org' },
    ]);
    expect(sim.calls('user/get')).toBe(0);
  });
});

describe('org sync without Redis in the configuration: in this process, one at a time', () => {
  let sim: Simulator;
  let gateway: TestGateway;
  beforeAll(async () => {
    sim = await startTestSimulator();
    gateway = await startTestGateway({
      simulator: sim,
      env: { ADMIN_TOKEN },
      orgSync: TEST_ORG_TUNING,
    });
  });
  afterAll(() => gateway.close());

  it('answers 202, then 409 while it runs, then the result', async () => {
    const slow = sim.injectFault({ api: 'department/list', kind: 'latency', ms: 300, times: 1 });
    const first = await gateway.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN });
    expect(first.status).toBe(202);
    const second = await gateway.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN });
    expect(second.status).toBe(409);
    expect(errorBody(second.body).code).toBe('org.sync_running');
    const done = await settledSync(gateway, ADMIN_TOKEN);
    slow();
    expect(done.last).toMatchObject({ ok: true, changes: 18 });
  });
});

describe('periodic org syncs (ORG_SYNC_INTERVAL_SECONDS) from the job scheduler', () => {
  it('runs a sync without being asked', async () => {
    const sim = await startTestSimulator();
    const prefix = uniquePrefix();
    const gateway = await startTestGateway({
      simulator: sim,
      env: {
        ADMIN_TOKEN,
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: prefix,
        ORG_SYNC_INTERVAL_SECONDS: '1',
      },
      prefix,
      orgSync: TEST_ORG_TUNING,
    });
    try {
      const done = await settledSync(gateway, ADMIN_TOKEN);
      expect(done.last).toMatchObject({ ok: true, changes: 18 });
    } finally {
      await gateway.close();
    }
  }, 30_000);
});

describe('directory callbacks keep the org snapshot equal to the truth without a full sync', () => {
  it('each change made in the simulator arrives as change_contact and is re-read into the snapshot', async () => {
    const sim = await startTestSimulator({
      callbackDeadlineMs: 2000,
      callbackRetryDelayMs: 50,
      callbackVerifyDeadlineMs: 2000,
    });
    const gateway = await startTestGateway({
      simulator: sim,
      env: { ...CALLBACK_ENV, ADMIN_TOKEN },
      orgSync: TEST_ORG_TUNING,
    });
    try {
      expect(
        await sim.registerCallback('directory', {
          url: `${gateway.url}/wecom/callback/directory`,
          ...DIRECTORY_CALLBACK,
        }),
      ).toEqual({ verified: true, status: 200 });
      expect(
        (await gateway.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN })).status,
      ).toBe(202);
      const first = await settledSync(gateway, ADMIN_TOKEN);
      const seq = (
        await gateway.request<ChangesBody>('GET', '/api/admin/org/changes?order=desc&limit=1', {
          token: ADMIN_TOKEN,
        })
      ).body.changes[0]!.seq;

      const team = sim.org.addDepartment({ name: '数据组', parentid: 6 });
      sim.org.addMember({ userid: 'analyst', name: '分析师', department: [team.id] });
      sim.org.updateMember('lisi', { department: [3] });
      await sim.deleteEmployee('zhouba');
      const truth = plain(truthOf(sim.orgVisibleTo()));
      const snapshot = await eventually(
        async () => plain(await readSnapshot(gateway.deps.org)),
        (value) => JSON.stringify(value) === JSON.stringify(truth),
        5000,
      );
      expect(snapshot).toEqual(truth);
      const changes = await gateway.request<ChangesBody>(
        'GET',
        `/api/admin/org/changes?after=${seq}`,
        { token: ADMIN_TOKEN },
      );
      // Events are handed off two at a time: the records' order follows which applied first.
      const written = changes.body.changes.map((c) => `${c.op} ${c.id}`).sort();
      expect(written).toEqual(
        [`created ${team.id}`, 'created analyst', 'updated lisi', 'deleted zhouba'].sort(),
      );
      // And a full sync afterwards finds nothing new.
      await gateway.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN });
      expect((await settledSync(gateway, ADMIN_TOKEN, first.last!.startedAt)).last).toMatchObject({
        ok: true,
        changes: 0,
      });
    } finally {
      await gateway.close();
    }
  }, 30_000);
});

describe('feeds past their retention (ORG_FEED_RETENTION_DAYS)', () => {
  it('answer 410 feed.expired to a reader left behind, with the position to follow from', async () => {
    const sim = await startTestSimulator();
    const store = createMemoryStore();
    let daysLater = 0;
    const gateway = await startTestGateway({
      simulator: sim,
      env: { ADMIN_TOKEN, ORG_FEED_RETENTION_DAYS: '7' },
      store,
      now: () => Date.now() + daysLater * 24 * 3600 * 1000,
      orgSync: TEST_ORG_TUNING,
    });
    const read = <T>(path: string) => gateway.request<T>('GET', path, { token: ADMIN_TOKEN });
    const event = { at: new Date().toISOString(), receiver: 'app', event: 'x', ids: {} } as const;
    try {
      await gateway.deps.org.sync.runFull();
      const [first] = (await read<ChangesBody>('/api/admin/org/changes?limit=1')).body.changes;
      const [firstEvent] = await gateway.deps.callbacks.eventsLog.append([
        { ...event, effect: 'none' },
        { ...event, effect: 'none' },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 5));

      // A week on, the next record drops everything older than this moment.
      daysLater = 7;
      sim.org.updateDepartment(4, { name: '品牌市场部' });
      expect(await gateway.deps.org.sync.runFull()).toMatchObject({ ok: true, changes: 1 });
      const [renamed] = (await read<ChangesBody>('/api/admin/org/changes')).body.changes;
      expect(renamed).toMatchObject({ kind: 'department', op: 'updated', id: 4 });
      const expired = await read<{ code: string; message: string; data: { next: string } }>(
        `/api/admin/org/changes?after=${first!.seq}`,
      );
      expect(expired.status).toBe(410);
      expect(expired.body).toMatchObject({ code: 'feed.expired', data: { next: renamed!.seq } });
      expect(expired.body.message).toMatch(/read the snapshot, then follow from/);
      // Following from there after reading the snapshot: nothing more yet.
      expect((await read(`/api/admin/org/changes?after=${renamed!.seq}`)).body).toEqual({
        changes: [],
        next: null,
      });

      const [lastEvent] = await gateway.deps.callbacks.eventsLog.append([
        { ...event, effect: 'none' },
      ]);
      const expiredEvents = await read<{ code: string; data: { next: string } }>(
        `/api/admin/events?after=${firstEvent!.seq}`,
      );
      expect(expiredEvents.status).toBe(410);
      expect(expiredEvents.body).toMatchObject({
        code: 'feed.expired',
        data: { next: lastEvent!.seq },
      });
      expect((await read<{ events: unknown[] }>('/api/admin/events')).body.events).toEqual([
        lastEvent,
      ]);
    } finally {
      await gateway.close();
      await store.close();
    }
  }, 30_000);
});
