import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { Org } from '../../../server/src/org';
import { bigCorpUserid, type Simulator } from '../../../server/src/sandbox/index';
import type { Store } from '../../../server/src/stores/store';
import { feedOf, orgStack, plain, readSnapshot, truthOf } from '../../helpers/org';
import { simulatorCorpEnv, startTestSimulator } from '../../helpers/simulator';
import { createTestRedisStore, testRedisUrl, uniquePrefix } from '../../helpers/stores';

describe('the streamed full sync against a generated corp (Redis store)', () => {
  let sim: Simulator;
  let prefix: string;
  let store: Store;
  let redis: Redis;
  let stack: ReturnType<typeof orgStack>;
  let org: Org;
  beforeAll(async () => {
    sim = await startTestSimulator({
      scenario: 'big-corp',
      bigCorp: { members: 2000, departments: 100 },
    });
  });
  beforeEach(async () => {
    prefix = uniquePrefix();
    store = await createTestRedisStore({ prefix });
    redis = new Redis(testRedisUrl());
    stack = orgStack(sim, store);
    org = stack.org;
  });
  afterEach(async () => {
    await stack.close();
    await store.close();
    redis.disconnect();
  });
  /** Generations whose keys are in the store. */
  const generations = async () => {
    const keys = await redis.keys(`${prefix}org:{org}:g:*`);
    return new Set(keys.map((key) => key.slice(prefix.length).split(':')[3]));
  };

  it('finds members deleted anywhere in a snapshot read page by page, and nothing else', async () => {
    await org.sync.runFull();
    const before = (await feedOf(org)).length;
    // Deletions spread over the whole current generation: more than one page of its scan.
    const gone = Array.from({ length: 700 }, (_, i) => bigCorpUserid(1 + i * 2));
    for (const userid of gone) sim.org.deleteMember(userid);
    const result = await org.sync.runFull();
    expect(result).toMatchObject({
      ok: true,
      changes: 700,
      changed: {
        departments: { created: 0, updated: 0, deleted: 0 },
        members: { created: 0, updated: 0, deleted: 700 },
      },
    });
    const written = (await feedOf(org)).slice(before);
    expect(written.map((r) => r.id)).toEqual([...gone].sort());
    expect(written.every((r) => r.op === 'deleted' && r.before?.userid === r.id)).toBe(true);
    expect(plain(await readSnapshot(org))).toEqual(plain(truthOf(sim.orgVisibleTo())));
    // One generation is left: the current one.
    expect((await generations()).size).toBe(1);
  }, 60_000);

  it('keeps a member listed in several departments once, in each department’s page', async () => {
    await org.sync.runFull();
    const before = (await feedOf(org)).length;
    const departments = [1001, 1002, 1003, 1004];
    sim.org.addMember({ userid: 'everywhere', name: '四处', department: departments });
    // Its departments are listed at once (five at a time).
    const result = await org.sync.runFull();
    expect(result).toMatchObject({ ok: true, changes: 1 });
    expect((await feedOf(org)).slice(before)).toEqual([
      expect.objectContaining({
        op: 'created',
        id: 'everywhere',
        after: expect.objectContaining({ department: departments }),
      }),
    ]);
    for (const departmentId of departments) {
      const page = await org.members({ departmentId, limit: 1000 });
      expect(page.members.filter((m) => m.userid === 'everywhere')).toHaveLength(1);
    }
    expect(result.members).toBe(sim.orgVisibleTo().members.length);
  }, 60_000);

  it('a sync that fails half-way leaves the snapshot, the feed and no half-built generation', async () => {
    await org.sync.runFull();
    const snapshot = plain(await readSnapshot(org));
    const feed = await feedOf(org);
    const current = await generations();
    sim.org.updateMember(bigCorpUserid(10), { name: '改了名' });
    sim.org.deleteMember(bigCorpUserid(20));
    // Half the departments' members are in the new generation when WeCom stops answering.
    const stop = sim.injectFault({ api: 'user/list', kind: 'errcode', errcode: 60011, after: 50 });
    const failed = await org.sync.runFull();
    stop();
    expect(failed).toMatchObject({ ok: false, error: { reason: 'refused', errcode: 60011 } });
    expect(failed.records).toEqual([]);
    expect(plain(await readSnapshot(org))).toEqual(snapshot);
    expect(await feedOf(org)).toEqual(feed);
    expect(await generations()).toEqual(current);
    const next = await org.sync.runFull();
    expect(next).toMatchObject({ ok: true, changes: 2 });
  }, 60_000);

  it('a dry run answers counts of every change and the first records only', async () => {
    const dry = await org.sync.runFull({ dryRun: true });
    const created = sim.orgVisibleTo();
    expect(dry).toMatchObject({
      ok: true,
      changes: created.members.length + created.departments.length,
      changed: {
        departments: { created: created.departments.length },
        members: { created: created.members.length },
      },
    });
    expect(dry.records).toHaveLength(1000);
    // Departments first (parents first), then members by userid.
    expect(dry.records[0]).toMatchObject({ kind: 'department', op: 'created' });
    expect(dry.records.at(-1)).toMatchObject({ kind: 'member', op: 'created' });
    expect(await feedOf(org)).toEqual([]);
    expect(await generations()).toEqual(new Set());
  }, 60_000);

  it('pages a snapshot written before the index existed, indexing it on first read', async () => {
    // What an earlier version left: the members hash and the pointer, no index.
    await store.hashSet('org:{org}:g:old:members', {
      b: JSON.stringify({ userid: 'b', name: '乙', department: [2] }),
      a: JSON.stringify({ userid: 'a', name: '甲', department: [2, 3] }),
    });
    await store.hashSet('org:{org}:meta', { generation: 'old', version: 'v1' });
    expect((await org.members({ limit: 10 })).members.map((m) => m.userid)).toEqual(['a', 'b']);
    expect(
      (await org.members({ departmentId: 3, limit: 10 })).members.map((m) => m.userid),
    ).toEqual(['a']);
  });
});

describe('npm run org-sync under a heap smaller than the corp', () => {
  const run = promisify(execFile);
  const root = join(__dirname, '../../..');

  it('syncs 30,000 members with a 48 MB heap (reading the whole org into memory does not fit)', async () => {
    const sim = await startTestSimulator({
      scenario: 'big-corp',
      bigCorp: { members: 30_000, departments: 150 },
    });
    const prefix = uniquePrefix();
    const { stderr } = await run(
      process.execPath,
      ['--max-old-space-size=48', '--require', 'tsx/cjs', 'server/src/cli/org-sync.ts'],
      {
        cwd: root,
        timeout: 150_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...simulatorCorpEnv(sim),
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: prefix,
        },
      },
    );
    const visible = sim.orgVisibleTo();
    expect(stderr).toContain(
      `${visible.departments.length} departments, ${visible.members.length} members; ${visible.departments.length + visible.members.length} changes written`,
    );
    const store = await createTestRedisStore({ prefix });
    const stack = orgStack(sim, store);
    try {
      expect(plain(await readSnapshot(stack.org))).toEqual(plain(truthOf(visible)));
    } finally {
      await stack.close();
      await store.close();
    }
  }, 180_000);
});
