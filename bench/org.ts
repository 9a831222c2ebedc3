import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type OrgChangeEvent, type Simulator, startSimulator } from '../server/src/sandbox';
import { startRedisProcess } from '../test/helpers/redis-process';
import { benchCli, finishBench } from './cli';
import { setting } from './settings';
import { orgTargets } from './targets';

/**
 * `npm run bench:org`: the org sync against the simulator's big-corp world (20,000 members in
 * 1,000 departments beside the demo corp), loopback only, with a Redis of its own. Measures, each
 * in a process of its own: a first full sync (everything created), a second full sync with
 * nothing changed, and after 10 changes in the simulator both the incremental path (one event
 * each) and a full sync. With `--write` it records the report in `bench/org-results.md`.
 */
const USAGE = `Usage: npm run bench:org [-- --write]
The org sync of the simulator's big-corp world (20,000 members in 1,000 departments) with a Redis
of its own; needs redis-server; takes a minute or more. Prints the table and the targets: every
run succeeds, a sync with nothing changed writes no change record, and after ten changes applied
as events a full sync finds nothing left.
  --write   record the report in bench/org-results.md (a tracked file); without it nothing is written
  --help    this text
Settings (environment, then .env): BENCH_UPSTREAM_LATENCY_MS (20, the simulator's latency on
every WeCom call).
Exit code: 0 every target met, 1 a target missed or the bench failed, 2 bad arguments or settings.
`;
const { write } = benchCli('bench:org', USAGE);

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);

const LATENCY_MS = setting('BENCH_UPSTREAM_LATENCY_MS', 20, 10_000);

interface Measured {
  ok: boolean;
  ms: number;
  wecomCalls: number;
  changes: number;
  maxRssMb: number;
  /** Calls the simulator counted (gettoken included). */
  simulatorCalls: number;
}

async function measure(sim: Simulator, env: NodeJS.ProcessEnv, args: string[]): Promise<Measured> {
  sim.resetCalls();
  const { stdout } = await run(
    path.join(ROOT, 'node_modules/.bin/tsx'),
    ['bench/org-child.ts', ...args],
    {
      cwd: ROOT,
      env,
      timeout: 600_000,
      maxBuffer: 1024 * 1024,
    },
  );
  return {
    ...(JSON.parse(stdout.trim()) as Omit<Measured, 'simulatorCalls'>),
    simulatorCalls: sim.calls(),
  };
}

/** Ten changes an admin might make in a day: members added, moved, renamed, deleted; departments. */
function tenChanges(sim: Simulator): void {
  const team = sim.org.addDepartment({ name: '新业务组', parentid: 2 });
  sim.org.addMember({ userid: 'bench-new-1', name: '新同事甲', department: [team.id] });
  sim.org.addMember({ userid: 'bench-new-2', name: '新同事乙', department: [team.id] });
  sim.org.updateMember('u00001', { department: [team.id] });
  sim.org.updateMember('u00002', { name: '改名了' });
  sim.org.updateMember('u00003', { position: '高级经理' });
  sim.org.deleteMember('u00004');
  sim.org.deleteMember('u00005');
  sim.org.updateDepartment(1001, { name: '华东大区' });
  sim.org.updateDepartment(1002, { parentid: 6 });
}

async function main(): Promise<void> {
  const redis = await startRedisProcess();
  const sim = await startSimulator({ scenario: 'big-corp', latencyMs: LATENCY_MS });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wecom-gate-bench-org-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    WECOM_CORP_ID: sim.corpId,
    WECOM_APP_SECRET: sim.seed.miniprogramApp.secret,
    WECOM_API_BASE: sim.url,
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
    REDIS_URL: redis.url,
    LOG_LEVEL: 'silent',
  };
  try {
    const view = sim.orgVisibleTo();
    process.stderr.write(
      `big-corp: ${view.members.length} members in ${view.departments.length} departments visible; simulator latency ${LATENCY_MS} ms\n`,
    );
    const idle = await measure(sim, env, ['idle']);
    process.stderr.write(`process with the modules loaded, no sync: ${JSON.stringify(idle)}\n`);
    const first = await measure(sim, env, ['full']);
    process.stderr.write(`first full sync: ${JSON.stringify(first)}\n`);
    const unchanged = await measure(sim, env, ['full']);
    process.stderr.write(`unchanged full sync: ${JSON.stringify(unchanged)}\n`);

    const events: OrgChangeEvent[] = [];
    const stop = sim.onOrgChange((event) => events.push(event));
    tenChanges(sim);
    stop();
    const file = path.join(dir, 'events.jsonl');
    writeFileSync(
      file,
      events
        .map((e) =>
          JSON.stringify({
            changeType: e.changeType,
            userId: e.userId,
            newUserId: e.newUserId,
            departmentId: e.departmentId,
          }),
        )
        .join('\n'),
    );
    const incremental = await measure(sim, env, ['incremental', file]);
    process.stderr.write(`incremental, ${events.length} events: ${JSON.stringify(incremental)}\n`);
    const afterIncremental = await measure(sim, env, ['full']);
    process.stderr.write(`full sync after the events: ${JSON.stringify(afterIncremental)}\n`);

    const row = (name: string, m: Measured) =>
      `| ${name} | ${(m.ms / 1000).toFixed(1)} | ${m.wecomCalls} | ${m.simulatorCalls} | ${m.changes} | ${m.maxRssMb.toFixed(0)} | ${m.ok ? 'ok' : 'FAILED'} |`;
    const cpus = os.cpus();
    const report = [
      '# Org sync benchmark (`npm run bench:org`)',
      '',
      `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}; node ${process.version}; date ${new Date().toISOString()}`,
      `- world: the simulator's big-corp scenario, ${view.members.length} members in ${view.departments.length} departments visible to the app; every WeCom call answered after ${LATENCY_MS} ms`,
      '- each run in a process of its own (peak RSS is that process), Redis on loopback, 5 WeCom calls at a time; the simulator, Redis and the run share the same cores',
      '',
      '| run | seconds | WeCom calls (sync) | calls the simulator saw (gettoken included) | change records | peak RSS MB | result |',
      '|---|---:|---:|---:|---:|---:|---|',
      row('(the same process, modules loaded, no sync)', idle),
      row('first full sync (everything created)', first),
      row('full sync, nothing changed', unchanged),
      row(`incremental: ${events.length} change events after 10 changes`, incremental),
      row('full sync after those events', afterIncremental),
      '',
      `Incremental calls per event: ${(incremental.wecomCalls / events.length).toFixed(2)} (O(changes)); a full sync needs ${unchanged.wecomCalls} (1 department/list + 1 user/list per department).`,
      '',
    ].join('\n');
    finishBench({
      command: 'bench:org',
      write,
      file: path.join(__dirname, 'org-results.md'),
      report,
      targets: orgTargets({
        all: [
          { name: 'first full sync', ok: first.ok },
          { name: 'unchanged full sync', ok: unchanged.ok },
          { name: 'incremental', ok: incremental.ok },
          { name: 'full sync after the events', ok: afterIncremental.ok },
        ],
        unchangedChanges: unchanged.changes,
        afterIncrementalChanges: afterIncremental.changes,
      }),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
    await redis.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`bench:org failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
