import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { fail } from '../server/src/cli/args';
import { freePort, startRedisProcess } from '../test/helpers/redis-process';
import { benchCli, finishBench } from './cli';
import { setting } from './settings';
import { type OrgSizeFigures, orgTargets } from './targets';

/**
 * `npm run bench:org`: the org sync at three corp sizes, each sync inside a server process started
 * as `npm start` starts it (its node flags, read from package.json: the heap capped at 96 MB).
 * Per size, a Redis of its own and the simulator's big-corp world in a process of its own (so
 * that the server's peak RSS is the server's), every WeCom call answered after the latency; then,
 * each in a fresh server process, on the job engine: a first full sync (everything created), a
 * full sync with nothing changed, 10 changes made in the simulator's WeCom admin and pushed to the
 * server as change_contact callbacks, and a full sync after those events. Prints the table and
 * checks the targets; `--write` also writes bench/org-results.md.
 */

const USAGE = `Usage: npm run bench:org [-- --write]
The org sync at three corp sizes of the simulator's big-corp world, each sync in a server process
started with npm start's flags; needs redis-server; takes ten minutes or more. Prints the table
and the targets: every run succeeds; at the largest size peak RSS ≤ 150 MB, within 1.25 × the
smallest size's, and the first full sync ≤ 90 s; a full sync costs about one WeCom call per
department; nothing changed writes nothing; 10 changes as events cost about 10 calls.
  --write   record the report in bench/org-results.md (a tracked file); without it nothing is written
  --help    this text
Settings (environment, then .env): BENCH_UPSTREAM_LATENCY_MS (20, the simulator's latency on
every WeCom call), BENCH_ORG_SIZES (20000:1000,100000:5000,200000:10000: members:departments of
each corp, smallest first).
Exit code: 0 every target met, 1 a target missed or the bench failed, 2 bad arguments or settings.
`;
const { write } = benchCli('bench:org', USAGE);

const ROOT = path.resolve(__dirname, '..');
const LATENCY_MS = setting('BENCH_UPSTREAM_LATENCY_MS', 20, 10_000);
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const CALLBACK = {
  token: 'BenchDirectoryCallbackToken01234',
  encodingAesKey: 'BenchDirectoryCallbackEncodingAesKey0123456',
};

interface Size {
  members: number;
  departments: number;
}

function sizes(): Size[] {
  const raw = process.env.BENCH_ORG_SIZES?.trim() || '20000:1000,100000:5000,200000:10000';
  return raw.split(',').map((pair) => {
    const [members, departments] = pair.split(':').map(Number);
    if (!Number.isInteger(members) || !Number.isInteger(departments) || !members || !departments)
      fail('BENCH_ORG_SIZES', `${pair} is not members:departments`);
    return { members, departments };
  });
}

/** `npm start`'s node arguments (after `node`), so that the server runs as it does there. */
function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [node, ...args] = pkg.scripts.start.split(/\s+/);
  if (node !== 'node') throw new Error('the start script does not start with node');
  return args;
}

/** Peak resident set size (VmHWM) of a process, in MB. */
function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error('no VmHWM in /proc: the peak RSS needs Linux');
  return Number(match[1]) / 1024;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: nothing within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The simulator in a process of its own, serving a big corp of `size`. */
async function startSimulatorProcess(size: Size) {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'server/src/sandbox/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      SANDBOX_SCENARIO: 'big-corp',
      SANDBOX_LATENCY_MS: String(LATENCY_MS),
      // The demo corp's own 13 members and 5 departments come on top.
      SANDBOX_BIG_CORP_MEMBERS: String(size.members),
      SANDBOX_BIG_CORP_DEPARTMENTS: String(size.departments),
    },
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
  });
  const started = JSON.parse(line) as {
    url: string;
    corpId: string;
    wecomConfig: { secrets: { app: string } };
  };
  const control = <T>(route: string, method = 'GET', body?: unknown) =>
    json<T>(`${started.url}/sandbox/${route}`, {
      method,
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
  /** WeCom calls since the last reset, gettoken left out. */
  const calls = async () =>
    Object.entries(await control<Record<string, number>>('calls'))
      .filter(([api]) => api !== 'gettoken')
      .reduce((sum, [, count]) => sum + count, 0);
  return { ...started, child, control, calls };
}
type SimulatorProcess = Awaited<ReturnType<typeof startSimulatorProcess>>;

/** A server process as `npm start` starts it, with this size's Redis. */
async function startServer(sim: SimulatorProcess, redisUrl: string) {
  const port = await freePort();
  const child = spawn(process.execPath, startArguments(), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      WECOM_CORP_ID: sim.corpId,
      WECOM_APP_SECRET: sim.wecomConfig.secrets.app,
      WECOM_API_BASE: sim.url,
      WECOM_DIRECTORY_CALLBACK_TOKEN: CALLBACK.token,
      WECOM_DIRECTORY_CALLBACK_AES_KEY: CALLBACK.encodingAesKey,
      REDIS_URL: redisUrl,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await poll('the server', 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    return (await fetch(`${url}/readyz`)).ok ? true : undefined;
  });
  const admin = <T>(route: string, method = 'GET') =>
    json<T>(`${url}${route}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { url, child, admin, peakRssMb: () => peakRssMb(child.pid!) };
}
type Server = Awaited<ReturnType<typeof startServer>>;

interface Measured {
  ok: boolean;
  seconds: number;
  /** The sync's own count (every WeCom call it tried). */
  wecomCalls: number;
  /** What the simulator counted, gettoken left out. */
  simulatorCalls: number;
  changes: number;
  /** Peak RSS of the server before the sync began, and at its end. */
  baseRssMb: number;
  peakRssMb: number;
}

interface LastSync {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  changes: number;
  wecomCalls: number;
  error?: { message: string };
}

/** One full sync asked of a fresh server process, on the job engine, until it has finished. */
async function fullSync(
  sim: SimulatorProcess,
  redisUrl: string,
  after?: (s: Server) => Promise<void>,
) {
  const server = await startServer(sim, redisUrl);
  try {
    const baseRssMb = server.peakRssMb();
    await sim.control('calls/reset', 'POST');
    const asked = new Date().toISOString();
    await server.admin('/api/admin/org/sync', 'POST');
    const last = await poll('the sync', 30 * 60_000, async () => {
      const status = await server.admin<{ running: boolean; last: LastSync | null }>(
        '/api/admin/org/sync',
      );
      return !status.running && status.last && status.last.startedAt >= asked
        ? status.last
        : undefined;
    });
    const measured: Measured = {
      ok: last.ok,
      seconds: (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000,
      wecomCalls: last.wecomCalls,
      simulatorCalls: await sim.calls(),
      changes: last.changes,
      baseRssMb,
      peakRssMb: server.peakRssMb(),
    };
    if (!last.ok) process.stderr.write(`  sync failed: ${last.error?.message}\n`);
    await after?.(server);
    return measured;
  } finally {
    await stop(server.child);
  }
}

interface FeedPage {
  changes: { seq: string }[];
  next: string | null;
}

/** The seq of the newest record of the change feed ("0" when it is empty; not measured). */
async function newestSeq(server: Server): Promise<string> {
  const page = await server.admin<FeedPage>('/api/admin/org/changes?order=desc&limit=1');
  return page.changes[0]?.seq ?? '0';
}

/**
 * Ten changes an admin might make in a day in the WeCom admin — members added, moved, renamed,
 * deleted; a department added, renamed and moved — each pushed to the server as change_contact.
 */
async function tenChanges(sim: SimulatorProcess): Promise<void> {
  const team = await sim.control<{ id: number }>('org/departments', 'POST', {
    name: '新业务组',
    parentid: 2,
  });
  await sim.control('org/members', 'POST', {
    userid: 'bench-new-1',
    name: '新同事甲',
    department: [team.id],
  });
  await sim.control('org/members', 'POST', {
    userid: 'bench-new-2',
    name: '新同事乙',
    department: [team.id],
  });
  await sim.control('org/members/u00001', 'PATCH', { department: [team.id] });
  await sim.control('org/members/u00002', 'PATCH', { name: '改名了' });
  await sim.control('org/members/u00003', 'PATCH', { position: '高级经理' });
  await sim.control('org/members/u00004', 'DELETE');
  await sim.control('org/members/u00005', 'DELETE');
  await sim.control('org/departments/1001', 'PATCH', { name: '华东大区' });
  await sim.control('org/departments/1002', 'PATCH', { parentid: 6 });
}

/** The ten changes arrive as events at a fresh server; measured until their records are in. */
async function events(sim: SimulatorProcess, redisUrl: string, since: string): Promise<Measured> {
  const server = await startServer(sim, redisUrl);
  try {
    const baseRssMb = server.peakRssMb();
    await sim.control('callbacks/directory', 'PUT', {
      url: `${server.url}/wecom/callback/directory`,
      ...CALLBACK,
    });
    await sim.control('calls/reset', 'POST');
    const started = performance.now();
    await tenChanges(sim);
    // Done when ten records are in and nothing more arrives for a second.
    let seen = -1;
    let steadySince = 0;
    const records = await poll('the events', 5 * 60_000, async () => {
      const page = await server.admin<FeedPage>(`/api/admin/org/changes?after=${since}&limit=100`);
      if (page.changes.length !== seen) {
        seen = page.changes.length;
        steadySince = performance.now();
      }
      return seen >= 10 && performance.now() - steadySince > 1000 ? seen : undefined;
    });
    const seconds = (steadySince - started) / 1000;
    await sim.control('callbacks/directory', 'DELETE');
    const simulatorCalls = await sim.calls();
    return {
      ok: true,
      seconds,
      wecomCalls: simulatorCalls,
      simulatorCalls,
      changes: records,
      baseRssMb,
      peakRssMb: server.peakRssMb(),
    };
  } finally {
    await stop(server.child);
  }
}

interface SizeResult {
  size: Size;
  visible: { members: number; departments: number };
  /** Redis's peak memory over the four runs (what the snapshots cost there). */
  redisPeakMb: number;
  first: Measured;
  unchanged: Measured;
  events: Measured;
  afterEvents: Measured;
}

async function measureSize(size: Size): Promise<SizeResult> {
  const redis = await startRedisProcess();
  const sim = await startSimulatorProcess(size);
  try {
    const visible = await sim.control<{ members: unknown[]; departments: unknown[] }>('org');
    const counts = { members: visible.members.length, departments: visible.departments.length };
    const say = (what: string, m: Measured) =>
      process.stderr.write(`  ${what}: ${JSON.stringify(m)}\n`);
    process.stderr.write(
      `${counts.members} members in ${counts.departments} departments visible; latency ${LATENCY_MS} ms\n`,
    );
    const first = await fullSync(sim, redis.url);
    say('first full sync', first);
    let since = '0';
    const unchanged = await fullSync(sim, redis.url, async (server) => {
      since = await newestSeq(server);
    });
    say('full sync, nothing changed', unchanged);
    const changed = await events(sim, redis.url, since);
    say('10 changes as events', changed);
    const afterEvents = await fullSync(sim, redis.url);
    say('full sync after the events', afterEvents);
    const client = new Redis(redis.url);
    const info = await client.info('memory');
    client.disconnect();
    const redisPeakMb = Number(/used_memory_peak:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024;
    return { size, visible: counts, redisPeakMb, first, unchanged, events: changed, afterEvents };
  } finally {
    await stop(sim.child);
    await redis.stop();
  }
}

function report(results: SizeResult[]): string {
  const mb = (value: number) => value.toFixed(0);
  const row = (r: SizeResult, name: string, m: Measured) =>
    `| ${r.visible.members.toLocaleString('en')} / ${r.visible.departments.toLocaleString('en')} | ${name} | ${m.seconds.toFixed(1)} | ${m.wecomCalls} | ${m.simulatorCalls} | ${m.changes} | ${mb(m.baseRssMb)} | ${mb(m.peakRssMb)} | ${m.ok ? 'ok' : 'FAILED'} |`;
  const lines = [
    '| members / departments | run | seconds | WeCom calls | calls the simulator saw | change records | RSS before MB | peak RSS MB | result |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    lines.push(
      row(r, 'first full sync (everything created)', r.first),
      row(r, 'full sync, nothing changed', r.unchanged),
      row(r, '10 changes pushed as change_contact events', r.events),
      row(r, 'full sync after those events', r.afterEvents),
    );
  }
  const redis = results
    .map((r) => `${mb(r.redisPeakMb)} MB at ${r.visible.members.toLocaleString('en')} members`)
    .join(', ');
  return [
    ...lines,
    '',
    `Redis's peak memory (two snapshots during a sync, and the staged records of a first sync): ${redis}.`,
    '',
  ].join('\n');
}

/** The figures the targets are checked against, per size. */
function figures(r: SizeResult): OrgSizeFigures {
  const runs = [
    { name: 'first full sync', m: r.first },
    { name: 'full sync, nothing changed', m: r.unchanged },
    { name: '10 changes as events', m: r.events },
    { name: 'full sync after the events', m: r.afterEvents },
  ];
  return {
    members: r.visible.members,
    departments: r.visible.departments,
    runs: runs.map(({ name, m }) => ({ name, ok: m.ok })),
    peakRssMb: Math.max(...runs.map(({ m }) => m.peakRssMb)),
    firstSeconds: r.first.seconds,
    unchangedCalls: r.unchanged.simulatorCalls,
    unchangedChanges: r.unchanged.changes,
    eventCalls: r.events.simulatorCalls,
    afterEventsChanges: r.afterEvents.changes,
  };
}

const SIZES = sizes();

async function main(): Promise<void> {
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    process.stderr.write(`\n${size.members} members, ${size.departments} departments\n`);
    results.push(await measureSize(size));
  }
  const cpus = os.cpus();
  const header = [
    '# Org sync benchmark (`npm run bench:org`)',
    '',
    `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}; node ${process.version}; date ${new Date().toISOString()}`,
    `- worlds: the simulator's big-corp scenario at each size (the demo corp's own members and departments on top), every WeCom call answered after ${LATENCY_MS} ms, in a process of its own`,
    `- each run in a fresh server process started with \`npm start\`'s flags (\`node ${startArguments().join(' ')}\`), syncing on the job engine (BullMQ) with Redis on loopback, 5 WeCom calls at a time; everything shares the same cores`,
    '',
  ].join('\n');
  finishBench({
    command: 'bench:org',
    write,
    file: path.join(__dirname, 'org-results.md'),
    header,
    report: report(results),
    targets: orgTargets(results.map(figures)),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:org failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
