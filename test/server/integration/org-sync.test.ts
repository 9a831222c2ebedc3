import type { Org } from '../../../server/src/org';
import {
  DEMO_DIRECTORY_SYNC_SECRET,
  type OrgChangeEvent,
  type Simulator,
} from '../../../server/src/sandbox/index';
import type { Store } from '../../../server/src/stores/store';
import { feedOf, orgStack, plain, readSnapshot, truthOf } from '../../helpers/org';
import { startTestSimulator } from '../../helpers/simulator';
import { createTestRedisStore, expectIncreasing } from '../../helpers/stores';

const withoutTimes = <T extends { at: string; seq?: string }>(records: T[]) =>
  records.map(({ at: _at, seq: _seq, ...rest }) => rest);

// Every test gets a fresh simulator, Redis store and org stack.
describe('the org store against the simulator (Redis store)', () => {
  let sim: Simulator;
  let store: Store;
  let stack: ReturnType<typeof orgStack>;
  let org: Org;
  beforeEach(async () => {
    sim = await startTestSimulator();
    store = await createTestRedisStore();
    stack = orgStack(sim, store);
    org = stack.org;
  });
  afterEach(async () => {
    await stack.close();
    await store.close();
  });
  const snapshot = async () => plain(await readSnapshot(org));
  const truth = () => plain(truthOf(sim.orgVisibleTo()));

  describe('full syncs', () => {
    it('a full sync of the demo corp matches the simulator’s truth exactly; a second writes nothing', async () => {
      expect(await org.lastSyncSize()).toBeNull();
      const first = await org.sync.runFull();
      expect(await org.lastSyncSize()).toEqual({
        departments: 5,
        members: 13,
        at: first.finishedAt,
      });
      expect(first).toMatchObject({
        ok: true,
        departments: 5,
        members: 13,
        sources: { departments: 'department/list', members: 'user/list' },
      });
      expect(await snapshot()).toEqual(truth());
      // 1 department/list + 5 user/list.
      expect(first.wecomCalls).toBe(6);
      const records = await feedOf(org);
      expect(records).toHaveLength(18);
      expect(records.every((r) => r.op === 'created')).toBe(true);
      expectIncreasing(records.map((r) => r.seq));
      // Parents before children: 销售部 (2) before 华东销售组 (3).
      expect(records.findIndex((r) => r.id === 2)).toBeLessThan(
        records.findIndex((r) => r.id === 3),
      );
      expect(records.find((r) => r.id === 'huangli')).toMatchObject({
        kind: 'member',
        after: { userid: 'huangli', name: '黄丽', department: [5, 2], mainDepartment: 5 },
      });

      const second = await org.sync.runFull();
      expect(second).toMatchObject({ ok: true, changes: 0 });
      expect(await feedOf(org)).toHaveLength(18);
      expect(await org.syncStatus()).toMatchObject({
        running: false,
        last: { ok: true, changes: 0, wecomCalls: 6 },
      });
    });

    it('after adding, moving, renaming and deleting in the simulator, the next sync writes exactly those changes', async () => {
      await org.sync.runFull();
      const before = await feedOf(org);
      const sales = sim.org.addDepartment({ name: '华南销售组', parentid: 2 });
      sim.org.addMember({
        userid: 'newbie',
        name: '新人',
        department: [sales.id],
        position: '实习生',
      });
      sim.org.updateMember('lisi', { department: [3] });
      sim.org.updateDepartment(4, { name: '品牌市场部' });
      sim.org.deleteMember('zhouba');
      sim.org.updateMember('zhengshi', { newUserid: 'zhengshi2' });
      const empty = sim.org.addDepartment({ name: '临时项目组', parentid: 6 });
      // A department created and deleted between two syncs is never seen.
      sim.org.deleteDepartment(empty.id);

      const result = await org.sync.runFull();
      expect(result).toMatchObject({ ok: true, changes: 7 });
      const written = (await feedOf(org)).slice(before.length);
      expectIncreasing([...before, ...written].map((r) => r.seq));
      expect(withoutTimes(written)).toEqual([
        {
          kind: 'department',
          op: 'created',
          id: sales.id,
          after: { id: sales.id, name: '华南销售组', parentid: 2, order: sales.order },
        },
        {
          kind: 'department',
          op: 'updated',
          id: 4,
          before: { name: '市场部' },
          after: { name: '品牌市场部' },
        },
        {
          kind: 'member',
          op: 'updated',
          id: 'lisi',
          before: { department: [2], mainDepartment: 2 },
          after: { department: [3], mainDepartment: 3 },
        },
        {
          kind: 'member',
          op: 'created',
          id: 'newbie',
          after: {
            userid: 'newbie',
            name: '新人',
            department: [sales.id],
            mainDepartment: sales.id,
            position: '实习生',
            status: 1,
          },
        },
        {
          kind: 'member',
          op: 'deleted',
          id: 'zhengshi',
          before: expect.objectContaining({ userid: 'zhengshi', name: '郑十' }),
        },
        {
          kind: 'member',
          op: 'created',
          id: 'zhengshi2',
          after: expect.objectContaining({ userid: 'zhengshi2', name: '郑十' }),
        },
        {
          kind: 'member',
          op: 'deleted',
          id: 'zhouba',
          before: expect.objectContaining({ userid: 'zhouba', department: [4] }),
        },
      ]);
      expect(await snapshot()).toEqual(truth());
      // Deleting a department after its members moved out: one department record, children first.
      sim.org.updateMember('newbie', { department: [2] });
      sim.org.deleteDepartment(sales.id);
      await org.sync.runFull();
      const last = (await feedOf(org)).slice(before.length + 7);
      expect(withoutTimes(last).map((r) => [r.kind, r.op, r.id])).toEqual([
        ['member', 'updated', 'newbie'],
        ['department', 'deleted', sales.id],
      ]);
      expect(await snapshot()).toEqual(truth());
    });

    it('a dry run reads and diffs but writes nothing', async () => {
      await org.sync.runFull();
      const seq = (await feedOf(org)).length;
      sim.org.updateDepartment(5, { name: '客户服务部' });
      const dry = await org.sync.runFull({ dryRun: true });
      expect(dry).toMatchObject({ ok: true, dryRun: true, changes: 1 });
      expect(withoutTimes(dry.records)).toEqual([
        {
          kind: 'department',
          op: 'updated',
          id: 5,
          before: { name: '客户成功部' },
          after: { name: '客户服务部' },
        },
      ]);
      expect(await feedOf(org)).toHaveLength(seq);
      expect((await readSnapshot(org)).departments.get(5)?.name).toBe('客户成功部');
      expect((await org.syncStatus()).last).toMatchObject({ dryRun: false });
    });

    it('a sync that fails half-way leaves the previous snapshot and feed; the next run completes', async () => {
      await org.sync.runFull();
      const previous = await snapshot();
      const seq = (await feedOf(org)).length;
      sim.org.updateMember('wangwu', { department: [6] });
      sim.org.updateDepartment(6, { name: '研发部' });
      // The third user/list answers 60011: the sync has read part of the org.
      const remove = sim.injectFault({
        api: 'user/list',
        kind: 'errcode',
        errcode: 60011,
        after: 2,
        times: 1,
      });
      const failed = await org.sync.runFull();
      remove();
      expect(failed.ok).toBe(false);
      expect(failed.error).toMatchObject({ errcode: 60011, api: 'user/list' });
      // The explanation names the department whose members could not be read.
      expect(failed.error?.fix?.zh).toMatch(/可见范围/);
      expect(failed.error?.fix?.zh).toMatch(/部门「[^」]+」（ID \d+）/);
      expect(await snapshot()).toEqual(previous);
      expect(await feedOf(org)).toHaveLength(seq);
      expect(await org.syncStatus()).toMatchObject({
        running: false,
        last: { ok: false, error: { errcode: 60011 } },
      });
      // The doctor reports no org size from a failed sync.
      expect(await org.lastSyncSize()).toBeNull();

      const next = await org.sync.runFull();
      expect(next).toMatchObject({ ok: true, changes: 2 });
      expect(await snapshot()).toEqual(truth());
    });

    it('a sync stopped after writing the new snapshot, before switching to it, leaves the previous one', async () => {
      await org.sync.runFull();
      const previous = await snapshot();
      sim.org.addMember({ userid: 'late', name: '迟到', department: [2] });
      const stop = new AbortController();
      const stopped = await org.sync.runFull({
        signal: stop.signal,
        onProgress: (p) => {
          if (p.phase === 'commit') stop.abort(new Error('killed'));
        },
      });
      expect(stopped.ok).toBe(false);
      expect(await snapshot()).toEqual(previous);
      const next = await org.sync.runFull();
      expect(next).toMatchObject({ ok: true, changes: 1 });
      expect(await snapshot()).toEqual(truth());
    });

    it('drops the half-written generation of a sync whose process died', async () => {
      await org.sync.runFull();
      // What a process that died while writing leaves behind: a generation nobody switched to.
      const orphan = await org.orgStore.createGeneration();
      await org.orgStore.addMembers(orphan, [...(await readSnapshot(org)).members.values()]);
      const orphanMembers = `org:{org}:g:${orphan}:members`;
      expect((await store.hashScan(orphanMembers, '0', 100)).entries.length).toBeGreaterThan(0);
      expect(await org.sync.runFull()).toMatchObject({ ok: true, changes: 0 });
      expect(await store.hashScan(orphanMembers, '0', 100)).toEqual({ cursor: '0', entries: [] });
      expect(await snapshot()).toEqual(truth());
    });

    it('backs off on 45033 (lower concurrency) and 45009 and still completes', async () => {
      const limited = await startTestSimulator({ maxConcurrencyPerApi: 2 });
      const limitedStack = orgStack(limited, store, { concurrency: 5 });
      try {
        limited.injectFault({ api: 'department/list', kind: 'errcode', errcode: 45009, times: 1 });
        const result = await limitedStack.org.sync.runFull();
        expect(result).toMatchObject({ ok: true, members: 13 });
        expect(plain(await readSnapshot(limitedStack.org))).toEqual(
          plain(truthOf(limited.orgVisibleTo())),
        );
        // The refused calls were tried again (and counted).
        expect(result.wecomCalls).toBeGreaterThan(6);
      } finally {
        await limitedStack.close();
      }
    });

    it('with the 通讯录同步 secret: ids only, from simplelist and user/list_id, each refusal explained', async () => {
      const syncStack = orgStack(sim, store, { secret: DEMO_DIRECTORY_SYNC_SECRET });
      try {
        const result = await syncStack.org.sync.runFull();
        expect(result).toMatchObject({
          ok: true,
          sources: { departments: 'department/simplelist', members: 'user/list_id' },
        });
        expect(result.notes?.map((n) => [n.api, n.errcode])).toEqual([
          ['department/list', 48009],
          ['department/get', 48009],
          ['user/list', 48009],
        ]);
        expect(result.notes?.[0]?.fix.zh).toContain('自建应用的 Secret');
        expect(plain(await readSnapshot(syncStack.org))).toEqual(
          plain(truthOf(sim.orgVisibleTo(DEMO_DIRECTORY_SYNC_SECRET), { idsOnly: true })),
        );
        // department/list, simplelist, one department/get, one user/list, one user/list_id page.
        expect(result.wecomCalls).toBe(5);
      } finally {
        await syncStack.close();
      }
    });

    it('a refusal that is not a listing fallback fails the sync with the catalogue’s explanation', async () => {
      sim.setTrustedIps(['203.0.113.10']);
      const result = await org.sync.runFull();
      sim.setTrustedIps(null);
      expect(result).toMatchObject({
        ok: false,
        error: { errcode: 60020, api: 'department/list' },
      });
      expect(result.error?.fix?.zh).toContain('企业可信IP');
      // Never the egress IP.
      expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1/);
    });
  });

  describe('incremental changes (change_contact)', () => {
    it('before any full sync, an event reads nothing', async () => {
      sim.resetCalls();
      expect(await org.applyChange({ changeType: 'delete_user', userId: 'lisi' })).toEqual({
        changes: [],
        wecomCalls: 0,
        skipped: 'no_snapshot',
      });
      expect(sim.calls()).toBe(0);
    });

    it('each event re-reads only what it names, appends to the same feed, and a full sync then finds nothing new', async () => {
      await org.sync.runFull();
      const known = await feedOf(org);
      sim.resetCalls();

      const sales = sim.org.addDepartment({ name: '华南销售组', parentid: 2 });
      const created = await org.applyChange({
        changeType: 'create_party',
        departmentId: sales.id,
      });
      expect(created.wecomCalls).toBe(1);
      expect(withoutTimes(created.changes)).toEqual([
        {
          kind: 'department',
          op: 'created',
          id: sales.id,
          after: expect.objectContaining({ name: '华南销售组' }),
        },
      ]);
      // Appended right after what the feed held.
      expect(await feedOf(org, known.at(-1)!.seq)).toEqual(created.changes);

      sim.org.updateMember('lisi', { department: [sales.id] });
      const moved = await org.applyChange({ changeType: 'update_user', userId: 'lisi' });
      expect(withoutTimes(moved.changes)).toEqual([
        {
          kind: 'member',
          op: 'updated',
          id: 'lisi',
          before: { department: [2], mainDepartment: 2 },
          after: { department: [sales.id], mainDepartment: sales.id },
        },
      ]);

      sim.org.updateDepartment(sales.id, { name: '华南大区' });
      await org.applyChange({ changeType: 'update_party', departmentId: sales.id });
      sim.org.addMember({ userid: 'newbie', name: '新人', department: [3] });
      await org.applyChange({ changeType: 'create_user', userId: 'newbie' });
      sim.org.deleteMember('zhouba');
      await org.applyChange({ changeType: 'delete_user', userId: 'zhouba' });
      sim.org.updateMember('wujiu', { newUserid: 'wujiu2' });
      const renamed = await org.applyChange({
        changeType: 'update_user',
        userId: 'wujiu',
        newUserId: 'wujiu2',
      });
      expect(renamed.changes.map((c) => [c.op, c.id])).toEqual([
        ['created', 'wujiu2'],
        ['deleted', 'wujiu'],
      ]);
      // Moved out of the visible range: gone from the snapshot like a deleted member.
      sim.org.updateMember('xuming', { department: [7] });
      const hidden = await org.applyChange({ changeType: 'update_user', userId: 'xuming' });
      expect(hidden.changes.map((c) => [c.op, c.id])).toEqual([['deleted', 'xuming']]);
      // An event whose member did not change writes nothing.
      expect(
        (await org.applyChange({ changeType: 'update_user', userId: 'chenjing' })).changes,
      ).toEqual([]);

      expect(await snapshot()).toEqual(truth());
      // One WeCom call per event: O(changes), not O(members).
      expect(sim.calls()).toBe(8);
      const after = (await feedOf(org)).length;
      expect(await org.sync.runFull()).toMatchObject({ ok: true, changes: 0 });
      expect(await feedOf(org)).toHaveLength(after);
    });

    it('driven by the simulator’s change hook, the store follows the truth without a full sync', async () => {
      await org.sync.runFull();
      const queue: OrgChangeEvent[] = [];
      const stop = sim.onOrgChange((event) => queue.push(event));
      const apply = async () => {
        for (const event of queue.splice(0)) {
          await org.applyChange({
            changeType: event.changeType,
            userId: event.userId,
            newUserId: event.newUserId,
            departmentId: event.departmentId,
          });
        }
      };
      const team = sim.org.addDepartment({ name: '数据组', parentid: 6 });
      sim.org.addMember({ userid: 'analyst', name: '分析师', department: [team.id, 6] });
      sim.org.updateMember('liuyang', { name: '刘阳', position: 'CTO' });
      sim.org.updateDepartment(team.id, { parentid: 4 });
      sim.org.deleteMember('sunqi');
      await apply();
      expect(await snapshot()).toEqual(truth());
      sim.org.updateMember('analyst', { department: [6] });
      sim.org.deleteDepartment(team.id);
      await apply();
      stop();
      expect(await snapshot()).toEqual(truth());
      expect(await org.sync.runFull()).toMatchObject({ ok: true, changes: 0 });
    });

    it('a full sync that read before an event does not undo it', async () => {
      await org.sync.runFull();
      sim.org.updateMember('lisi', { name: '李思' });
      // The full sync reads (seeing 李思); after its read and before its commit, lisi is renamed
      // again and the event is applied: the commit keeps the event's newer record.
      const result = await org.sync.runFull({
        onProgress: async (p) => {
          if (p.phase !== 'writing') return;
          sim.org.updateMember('lisi', { name: '李四四' });
          await org.applyChange({ changeType: 'update_user', userId: 'lisi' });
        },
      });
      expect(result.ok).toBe(true);
      expect((await readSnapshot(org)).members.get('lisi')?.name).toBe('李四四');
      const names = (await feedOf(org))
        .filter((r) => r.id === 'lisi' && r.op === 'updated')
        .map((r) => r.after?.name);
      expect(names).toEqual(['李四四']);
      expect(await snapshot()).toEqual(truth());
    });
  });
});
