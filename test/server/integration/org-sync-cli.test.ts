import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '../../../server/src/sandbox/index';
import type { Store } from '../../../server/src/stores/store';
import { runCli } from '../../helpers/entry-points';
import { simulatorCorpEnv, startTestSimulator } from '../../helpers/simulator';
import { createTestRedisStore, testRedisUrl, uniquePrefix } from '../../helpers/stores';

/** `npm run org-sync` as a process against the test simulator and the test Redis. */
describe('npm run org-sync', () => {
  let sim: Simulator;
  let dir: string;
  let prefix: string;
  let store: Store;
  beforeAll(async () => {
    sim = await startTestSimulator();
    dir = await mkdtemp(join(tmpdir(), 'wecom-gate-org-sync-'));
    prefix = uniquePrefix();
    store = await createTestRedisStore({ prefix });
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The CLI against the test simulator and Redis; `env` adds or replaces keys. */
  const orgSyncWith = (env: Record<string, string>, ...args: string[]) =>
    runCli('server/src/cli/org-sync.ts', args, {
      env: {
        ...simulatorCorpEnv(sim),
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: prefix,
        ...env,
      },
    });
  const orgSync = (...args: string[]) => orgSyncWith({}, ...args);

  it('syncs and prints the result as JSON (exit 0)', async () => {
    const result = await orgSync('--json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({
      ok: true,
      dryRun: false,
      changes: 18,
      departments: 5,
      members: 13,
    });
    expect(body.records).toHaveLength(18);
    expect(body.records[0]).toMatchObject({
      seq: expect.stringMatching(/^\d+-\d+$/),
      kind: 'department',
      op: 'created',
    });
  }, 60_000);

  it('--dry-run prints the diff it would write and writes nothing', async () => {
    sim.org.updateDepartment(4, { name: '品牌市场部' });
    sim.org.updateMember('lisi', { department: [3] });
    const dry = await orgSync('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n').filter(Boolean)).toEqual([
      '~ department 4 name: "市场部" → "品牌市场部"',
      '~ member lisi department: [2] → [3], mainDepartment: 2 → 3',
    ]);
    expect(dry.stderr).toMatch(/dry run\): 5 departments, 13 members; 2 changes would write/);
    // Nothing was written: a second dry run sees the same two changes.
    expect((await orgSync('--dry-run')).stdout).toBe(dry.stdout);
    const real = await orgSync();
    expect(real.code).toBe(0);
    expect(real.stderr).toMatch(/2 changes written \(seq \d+-\d+–\d+-\d+\)/);
  }, 120_000);

  it('exports the snapshot: members and departments as CSV with a BOM, or JSON', async () => {
    const members = join(dir, 'members.csv');
    const departments = join(dir, 'departments.csv');
    const result = await orgSync(
      '--skip-sync',
      '--export',
      members,
      '--export-departments',
      departments,
    );
    expect(result.code).toBe(0);
    const bytes = await readFile(members);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\n');
    expect(lines[0]).toBe(
      'userid,name,departments,department_names,main_department,position,status',
    );
    expect(lines).toHaveLength(14);
    expect(lines).toContain('huangli,黄丽,5;2,客户成功部;销售部,5,售前顾问,1');
    const departmentLines = (await readFile(departments, 'utf8')).slice(1).trim().split('\n');
    expect(departmentLines[0]).toBe('id,name,parentid,order,leaders,members');
    expect(departmentLines).toContain('4,品牌市场部,1,99997000,,2');

    const json = join(dir, 'org.json');
    expect((await orgSync('--skip-sync', '--export', json)).code).toBe(0);
    const snapshot = JSON.parse(await readFile(json, 'utf8'));
    expect(snapshot.members).toHaveLength(13);
    expect(snapshot.departments).toHaveLength(5);
  }, 120_000);

  it('writes a cell a spreadsheet would run as a formula as text', async () => {
    sim.org.updateMember('huangli', { position: '=HYPERLINK("http://evil.example","x")' });
    sim.org.updateDepartment(4, { name: '@品牌市场部' });
    const members = join(dir, 'formula-members.csv');
    const departments = join(dir, 'formula-departments.csv');
    const result = await orgSync('--export', members, '--export-departments', departments);
    expect(result.code).toBe(0);
    expect((await readFile(members, 'utf8')).split('\n')).toEqual(
      expect.arrayContaining([
        `huangli,黄丽,5;2,客户成功部;销售部,5,"'=HYPERLINK(""http://evil.example"",""x"")",1`,
        "sunqi,孙七,4,'@品牌市场部,4,市场专员,1",
      ]),
    );
    expect((await readFile(departments, 'utf8')).split('\n')).toContain(
      "4,'@品牌市场部,1,99997000,,2",
    );
  }, 120_000);

  it('checks its outputs before it syncs: a missing export folder is one line, exit 2, no WeCom call', async () => {
    const calls = sim.calls();
    const nowhere = join(dir, 'no-such-folder');
    expect(await orgSync('--export', join(nowhere, 'members.csv'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `org-sync: the folder ${nowhere} cannot be written to (it does not exist)\n`,
    });
    expect(await orgSync('--export-departments', dir)).toMatchObject({
      code: 2,
      stderr: `org-sync: ${dir} exists and is not a file\n`,
    });
    expect(sim.calls()).toBe(calls);
  }, 60_000);

  it('--skip-sync without a snapshot says so in one line and exits non-zero', async () => {
    const file = join(dir, 'never.csv');
    const noRedis = await orgSyncWith({ REDIS_URL: '' }, '--skip-sync', '--export', file);
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr.split('\n').slice(1)).toEqual([
      'org-sync: --skip-sync exports the snapshot kept in Redis, but REDIS_URL is unset: there is none (run without --skip-sync)',
      '',
    ]);
    const empty = await orgSyncWith(
      { REDIS_KEY_PREFIX: `${prefix}empty:` },
      '--skip-sync',
      '--export',
      file,
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr.split('\n').slice(1)).toEqual([
      `org-sync: no org snapshot to export: Redis has none under REDIS_KEY_PREFIX=${prefix}empty: (run npm run org-sync without --skip-sync first)`,
      '',
    ]);
    await expect(readFile(file)).rejects.toThrow('ENOENT');
    expect((await orgSync('--skip-sync')).stderr).toBe(
      'org-sync: --skip-sync exports only: add --export or --export-departments (usage: npm run org-sync -- --help)\n',
    );
  }, 120_000);

  it('exit 2 for bad arguments, exit 1 when another sync holds the claim or WeCom refuses', async () => {
    expect((await orgSync('--export', join(dir, 'x.txt'))).code).toBe(2);
    expect(await orgSync('--no-such-flag')).toEqual({
      code: 2,
      stdout: '',
      stderr: "org-sync: Unknown option '--no-such-flag' (usage: npm run org-sync -- --help)\n",
    });

    await store.set('org:{org}:claim', 'another-instance', 30_000);
    const busy = await orgSync();
    await store.delete('org:{org}:claim');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/Another org sync is running/);

    sim.setTrustedIps(['203.0.113.10']);
    const refused = await orgSync();
    sim.setTrustedIps(null);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/org sync failed: .*60020/);
    expect(refused.stderr).toMatch(/企业可信IP/);
    expect(refused.stderr).toMatch(/as they were before this run/);
  }, 120_000);
});
