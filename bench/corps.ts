import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { Redis } from 'ioredis';
import { fail } from '../server/src/cli/args';
import {
  type CorpSimulator,
  type DemoCorp,
  groupCorp,
  groupCustomerId,
  SHARED_USERID,
  type Simulator,
  startSimulator,
} from '../server/src/sandbox';
import { corpsFileEnv } from '../test/helpers/corps-file';
import { entryPoint, ROOT, TSX_HOOK, withoutEnvFile } from '../test/helpers/entry-points';
import { freePort, startRedisProcess } from '../test/helpers/redis-process';
import { benchCli, finishBench } from './cli';
import { setting } from './settings';
import { CORPS_TARGETS, type CorpsHotPath, corpsTargets, median } from './targets';

/**
 * `npm run bench:corps`: what each corp costs a deployment serving several (WECOM_CORPS_FILE). The
 * simulator plays 100 corps of the same shape (groupCorp() with its own corp ID, secrets and
 * AgentIds); gateways serve the first 1, 10 and 100 of them from a real corps file, each under its
 * own Redis key prefix: the server as production runs it (`npm run build`, then
 * dist/server/src/index.js, as `npm run start:prod` and the container do), each a child process
 * (node --max-old-space-size=512 --no-allocation-site-pretenuring, a folder without `.env`). Per
 * gateway, after its start and a login in every corp: its memory after a full GC
 * (bench/corps-probe.cjs), its keys, their memory and its connections in Redis, and its CPU and
 * Redis commands while idle; each figure per added corp is the slope from 1 to 100 corps. Then the
 * hot path of `npm run bench` (GET /api/me and a warm customer read, as ratios of the Redis floor)
 * at the home corp and at a corp under /corps/{id}: each round starts a new 1-corp and a new
 * 100-corp gateway (a login in every corp) and measures them in turn (the one not measured stopped
 * with SIGSTOP, so that neither's background work runs in the other's turn).
 */
const USAGE = `Usage: npm run bench:corps [-- --write]
What each corp costs a deployment serving several corps (WECOM_CORPS_FILE): gateways serving 1, 10
and 100 corps of the WeCom simulator from a real corps file, each a child process running the built
server (npm run build first, then dist/ as npm run start:prod runs it), a login in every corp; then
per gateway its memory (RSS and heap used after a full GC), its Redis keys, key memory and
connections, and its CPU and Redis commands while idle, per added corp (the slope from 1 to 100);
and the hot path of npm run bench (GET /api/me and a warm customer read as ratios of the Redis
floor) at the home corp and at a corp under /corps/{id}, with 1 and with 100 corps: new gateways
each round, measured in turn. Uses the Redis of REDIS_URL (its keys under a prefix of this run,
deleted at the end) or a throw-away redis-server on a free port; takes about 6 minutes. Targets:
each hot path ratio with 100 corps >= ${CORPS_TARGETS.ratioKept} x the ratio with 1 (median of the
rounds' paired ratios); no non-2xx; per added corp: RSS <= ${CORPS_TARGETS.rssMbPerCorp} MB, Redis
keys <= ${CORPS_TARGETS.keysPerCorp}, Redis connections <= ${CORPS_TARGETS.connectionsPerCorp}.
  --write   record the report in bench/results-corps.md (a tracked file); without it nothing is
            written
  --help    this text
Settings (environment, then .env): BENCH_CORPS (100, the most corps, at least 11), BENCH_DURATION_S
(2), BENCH_ROUNDS (7), BENCH_CONNECTIONS (50), BENCH_WARMUP_S (1), BENCH_IDLE_S (5),
BENCH_UPSTREAM_LATENCY_MS (20), BENCH_GATEWAY_NODE_FLAGS (--max-old-space-size=512
--no-allocation-site-pretenuring: start:prod's flags, but 96 MB does not hold 100 corps),
BENCH_GATEWAY_RUNNER (build: the built server; tsx: server/src/index.ts through tsx, as npm start
runs it), REDIS_URL (unset: a throw-away redis-server).
Exit code: 0 every target met, 1 a target missed or the bench failed, 2 bad arguments or settings.
`;
const { write } = benchCli('bench:corps', USAGE);

const MOST_CORPS = Math.max(11, setting('BENCH_CORPS', 100, 500));
const SIZES = [1, 10, MOST_CORPS] as const;
const DURATION_S = setting('BENCH_DURATION_S', 2, 600);
const ROUNDS = Math.max(1, setting('BENCH_ROUNDS', 7, 20));
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50, 1000);
const WARMUP_S = setting('BENCH_WARMUP_S', 1, 60);
const IDLE_S = Math.max(1, setting('BENCH_IDLE_S', 5, 600));
const UPSTREAM_LATENCY_MS = setting('BENCH_UPSTREAM_LATENCY_MS', 20, 10_000);
/**
 * start:prod's flags but its heap cap: a gateway of 100 corps needs about 200 MB of heap after a
 * full GC, and one started with 96 MB aborts at start (heap limit reached). Every gateway of the
 * bench runs with the same flags, so that the hot path's ratios compare.
 */
const GATEWAY_NODE_FLAGS = (
  process.env.BENCH_GATEWAY_NODE_FLAGS ??
  '--max-old-space-size=512 --no-allocation-site-pretenuring'
)
  .split(' ')
  .filter((flag) => /^--[\w-]+(=[\w.-]+)?$/.test(flag));
/**
 * How the gateways run: `build`, the JavaScript `npm run build` emits, as production runs it
 * (`npm run start:prod`, the container); or `tsx`, the TypeScript through tsx's loader, as
 * `npm start` runs it in development.
 */
const RUNNER = process.env.BENCH_GATEWAY_RUNNER?.trim() || 'build';
if (RUNNER !== 'build' && RUNNER !== 'tsx') fail('BENCH_GATEWAY_RUNNER', 'must be build or tsx');
const GIVEN_REDIS_URL = process.env.REDIS_URL?.trim() || undefined;
/** Every gateway's keys are under it (then the number of its corps); deleted at the end. */
const RUN_PREFIX = `bench-corps:${randomBytes(4).toString('hex')}:`;
/** What bench/corps-probe.cjs answers a gateway's `memory`. */
interface ProbeAnswer {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  /** What keeps the event loop alive (ref'd handles and timers), by type. */
  resources: Record<string, number>;
}

/** Followed by zhangsan in every corp (groupCorp's). */
const CUSTOMER_ID = groupCustomerId(1);
const MB = 2 ** 20;

/** npm start's heap cap (its --max-old-space-size, MB), for how many corps it holds. */
function startHeapCapMb(): number | undefined {
  const pkg = JSON.parse(readFileSync(entryPoint('package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const cap = /--max-old-space-size=(\d+)/.exec(pkg.scripts.start)?.[1];
  return cap === undefined ? undefined : Number(cap);
}

/** Corp `index` of the simulator: groupCorp() with its own corp ID, secrets and AgentIds. */
function benchCorp(index: number): DemoCorp {
  const seed = groupCorp();
  const digest = (what: string) =>
    createHash('sha256').update(`bench:corps:${what}:${index}`).digest('hex');
  const secret = (what: string) =>
    Buffer.from(digest(what), 'hex').toString('base64url').slice(0, 43);
  const appAgentId = String(2_000_000 + index);
  return {
    ...seed,
    corpId: `ww${digest('corp').slice(0, 16)}`,
    corpName: `${seed.corpName} ${index}`,
    miniprogramApp: { ...seed.miniprogramApp, agentid: appAgentId, secret: secret('app') },
    otherApp: { ...seed.otherApp, agentid: String(3_000_000 + index), secret: secret('other') },
    directorySyncSecret: secret('directory'),
    contactCallableAgentIds: [appAgentId],
  };
}

const children = new Set<ChildProcess>();
let stopping = false;

function spawnChild(args: string[], env: NodeJS.ProcessEnv, ipc = false): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: withoutEnvFile(),
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping && (signal || (code !== 0 && code !== null)))
      process.stderr.write(`${path.basename(args.at(-1)!)} ended (${signal ?? code}): ${stderr}\n`);
  });
  child.stdout?.resume();
  children.add(child);
  return child;
}

/**
 * An entry point in one node process (its pid is the entry point's): a TypeScript one through
 * tsx's hook, as run.ts does, or a built one (`.js`) as it is; `preload`: a JavaScript module
 * required first.
 */
function spawnEntry(
  file: string,
  env: Record<string, string>,
  options: { flags?: string[]; preload?: string; ipc?: boolean } = {},
) {
  const loader = file.endsWith('.ts') ? ['--require', TSX_HOOK] : [];
  const preload = options.preload ? ['--require', entryPoint(options.preload)] : [];
  return spawnChild(
    [...(options.flags ?? []), ...loader, ...preload, entryPoint(file)],
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...env },
    options.ipc,
  );
}

/** Builds the server as production does (`npm run build` → dist/, git-ignored). */
function buildServer(): void {
  process.stdout.write('bench:corps: npm run build\n');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${url}: the process ended (${child.signalCode ?? child.exitCode})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** /proc/{pid}/status fields in MB (VmRSS, VmHWM); undefined where /proc is missing. */
function procStatusMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of a process in ms; undefined where /proc is missing. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command; in clock ticks
    // of 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const countBy = (values: readonly string[]) => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

/** INFO fields of Redis as numbers. */
async function info(redis: Redis, section: string): Promise<Record<string, number>> {
  const text = await redis.info(section);
  const fields: Record<string, number> = {};
  for (const line of text.split('\r\n')) {
    const [key, value] = line.split(':');
    if (key && value !== undefined && /^-?\d+(\.\d+)?$/.test(value)) fields[key] = Number(value);
  }
  return fields;
}

/** Calls of each command Redis ran so far (INFO commandstats). */
async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls[match[1]!] = Number(match[2]);
  return calls;
}

interface Client {
  id: number;
  name: string;
  cmd: string;
}

/**
 * What a connection is, by its name (BullMQ names its connections `{prefix}:<queue in base64>`,
 * here shown as `bullmq <queue>`) and its last command: the same label for every corp's.
 */
function connectionLabel(client: Client): string {
  const queue = /:([A-Za-z0-9+/=]+)$/.exec(client.name)?.[1];
  const name = !client.name
    ? '(no name)'
    : queue
      ? `bullmq ${Buffer.from(queue, 'base64').toString()}`
      : client.name;
  return `${name} (${client.cmd})`;
}

async function clientList(redis: Redis): Promise<Client[]> {
  const text = (await redis.client('LIST')) as string;
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = Object.fromEntries(
        line
          .trim()
          .split(' ')
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      );
      return { id: Number(fields.id), name: fields.name ?? '', cmd: fields.cmd ?? '' };
    });
}

/**
 * Keys under `prefix` (also inside a `{…}` hash tag), the memory Redis says they take, and their
 * names without the prefix and with every corp's ID as `{corp}`, counted (the same name for every
 * corp's key of one kind).
 */
async function keysUnder(
  redis: Redis,
  prefix: string,
): Promise<{ count: number; bytes: number; names: Record<string, number> }> {
  let cursor = '0';
  let bytes = 0;
  const all: string[] = [];
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    all.push(...keys);
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key);
    for (const [, value] of (await pipeline.exec()) ?? []) bytes += Number(value ?? 0);
  } while (cursor !== '0');
  const names = all.map((key) =>
    key
      .replace(prefix, '')
      .replace(/corp:ww[0-9a-f]{16}:/, '')
      .replace(/ww[0-9a-f]{16}/g, '{corp}')
      .replace(/[A-Za-z0-9_-]{20,}/g, '…'),
  );
  return { count: all.length, bytes, names: countBy(names) };
}

async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

interface Gateway {
  corps: number;
  url: string;
  child: ChildProcess;
  prefix: string;
  /** The corps served, the home corp first. */
  served: readonly CorpSimulator[];
  startSeconds: number;
  probe(): Promise<ProbeAnswer>;
}

async function startGateway(
  simulator: Simulator,
  served: readonly CorpSimulator[],
  redisUrl: string,
  dir: string,
  /** Told apart in its Redis key prefix (each gateway of a round has its own keys). */
  round?: number,
): Promise<Gateway> {
  const port = await freePort();
  const prefix = `${RUN_PREFIX}${served.length}${round === undefined ? '' : `-r${round}`}:`;
  const started = performance.now();
  const child = spawnEntry(
    RUNNER === 'build' ? 'dist/server/src/index.js' : 'server/src/index.ts',
    {
      PORT: String(port),
      ...corpsFileEnv(served, simulator.url, { agentIds: true, dir }),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'warn',
      // As in npm run bench: the limiters run but never refuse the load.
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_EXCHANGES_PER_MINUTE: '1000000',
      RATE_LIMIT_LOOKUP_PER_MINUTE: '10000000',
    },
    { flags: ['--expose-gc', ...GATEWAY_NODE_FLAGS], preload: 'bench/corps-probe.cjs', ipc: true },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/readyz`, child);
  return {
    corps: served.length,
    url,
    child,
    prefix,
    served,
    startSeconds: (performance.now() - started) / 1000,
    probe: () =>
      new Promise<ProbeAnswer>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the memory probe did not answer')),
          10_000,
        );
        child.once('message', (answer) => {
          clearTimeout(timer);
          resolve(answer as ProbeAnswer);
        });
        child.send('memory');
      }),
  };
}

/** Where corp `index` of a gateway is served: the home corp at the root, the others under /corps. */
const corpPath = (gateway: Gateway, index: number) =>
  index === 0 ? '' : `/corps/${gateway.served[index]!.corpId}`;

async function login(gateway: Gateway, index: number): Promise<string> {
  const corp = gateway.served[index]!;
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${gateway.url}${corpPath(gateway, index)}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: corp.issueLoginCode(SHARED_USERID) }),
    });
    const text = await response.text();
    if (response.status === 201) return (JSON.parse(text) as { token: string }).token;
    if (attempt === 3)
      throw new Error(`login in ${corp.corpId} failed: ${response.status} ${text}`);
  }
}

/** A login in every corp, 10 at a time; the tokens by corp index. */
async function loginEverywhere(gateway: Gateway): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < gateway.served.length) {
      const index = next++;
      tokens[index] = await login(gateway, index);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return tokens;
}

/** What one gateway costs, after its start and a login in every corp. */
interface Footprint {
  corps: number;
  startSeconds: number;
  loginSeconds: number;
  afterStart: ProbeAnswer;
  afterLogins: ProbeAnswer;
  /** /proc VmRSS after the logins (after the probe's GC) and VmHWM, MB. */
  rssMb: number | undefined;
  peakRssMb: number | undefined;
  keys: number;
  keyBytes: number;
  usedMemoryBytes: number;
  connections: number;
  /** The gateway's connections by client name and by their last command. */
  /** The gateway's connections by what they are (`connectionLabel`). */
  connectionKinds: Record<string, number>;
  /** The gateway's keys by name (`keysUnder`). */
  keyNames: Record<string, number>;
  /** While idle (the other gateways stopped): the gateway's CPU and the commands Redis ran. */
  idleCpuMsPerS: number | undefined;
  idleCommandsPerS: number;
  /** The commands Redis ran while idle, by command, per second. */
  idleCommands: Record<string, number>;
}

async function footprint(
  redis: Redis,
  simulator: Simulator,
  served: readonly CorpSimulator[],
  redisUrl: string,
  dir: string,
  others: readonly Gateway[],
): Promise<{ gateway: Gateway; tokens: string[]; figures: Footprint }> {
  const before = {
    memory: await info(redis, 'memory'),
    clients: await info(redis, 'clients'),
    lastId: Math.max(...(await clientList(redis)).map((c) => c.id)),
  };
  const gateway = await startGateway(simulator, served, redisUrl, dir);
  await sleep(1000);
  const afterStart = await gateway.probe();
  const loginStarted = performance.now();
  const tokens = await loginEverywhere(gateway);
  const loginSeconds = (performance.now() - loginStarted) / 1000;
  await sleep(2000);
  const afterLogins = await gateway.probe();
  const keys = await keysUnder(redis, gateway.prefix);
  const memory = await info(redis, 'memory');
  const clients = await info(redis, 'clients');
  const mine = (await clientList(redis)).filter((c) => c.id > before.lastId);

  // Idle: the other gateways stopped, so that the commands Redis runs are this one's.
  for (const other of others) other.child.kill('SIGSTOP');
  await sleep(500);
  const cpuBefore = cpuMs(gateway.child.pid);
  const commandsBefore = await commandCalls(redis);
  await sleep(IDLE_S * 1000);
  const cpuAfter = cpuMs(gateway.child.pid);
  const commandsAfter = await commandCalls(redis);
  for (const other of others) other.child.kill('SIGCONT');
  // The bench's own INFO between the two counts counts once.
  commandsAfter.info = (commandsAfter.info ?? 0) - 1;
  const idleCommands: Record<string, number> = {};
  for (const [command, calls] of Object.entries(commandsAfter)) {
    const delta = calls - (commandsBefore[command] ?? 0);
    if (delta > 0) idleCommands[command] = delta / IDLE_S;
  }

  return {
    gateway,
    tokens,
    figures: {
      corps: served.length,
      startSeconds: gateway.startSeconds,
      loginSeconds,
      afterStart,
      afterLogins,
      rssMb: procStatusMb(gateway.child.pid, 'VmRSS'),
      peakRssMb: procStatusMb(gateway.child.pid, 'VmHWM'),
      keys: keys.count,
      keyBytes: keys.bytes,
      usedMemoryBytes: memory.used_memory! - before.memory.used_memory!,
      // The bench's own connections do not change while a gateway starts.
      connections: clients.connected_clients! - before.clients.connected_clients!,
      connectionKinds: countBy(mine.map(connectionLabel)),
      keyNames: keys.names,
      idleCpuMsPerS:
        cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : (cpuAfter - cpuBefore) / IDLE_S,
      idleCommandsPerS: Object.values(idleCommands).reduce((sum, n) => sum + n, 0),
      idleCommands,
    },
  };
}

/**
 * One autocannon run after a warm-up, as npm run bench measures; with `pid`, also the CPU time
 * that process spent per request sent during the run (µs): less moved by the machine's drift than
 * req/s, it tells where a difference in the ratios comes from.
 */
async function measure(
  url: string,
  headers: Record<string, string> = {},
  pid?: number,
): Promise<Measured> {
  const options = { url, connections: CONNECTIONS, headers };
  if (WARMUP_S > 0) await autocannon({ ...options, duration: WARMUP_S });
  await sleep(300);
  const before = cpuMs(pid);
  const result = await autocannon({ ...options, duration: DURATION_S });
  const after = cpuMs(pid);
  await sleep(300);
  const sent = result.requests.sent;
  return {
    result,
    cpuUsPerRequest:
      before === undefined || after === undefined || sent === 0
        ? undefined
        : ((after - before) * 1000) / sent,
  };
}

interface Measured {
  result: Result;
  cpuUsPerRequest: number | undefined;
}

/** The hot path of one gateway: /api/me and the warm customer read at the home corp and the last corp. */
interface Reads {
  homeMe: Measured;
  homeCustomer: Measured;
  corpMe: Measured;
  corpCustomer: Measured;
}

const PATHS = [
  { key: 'homeMe', name: 'GET /api/me, home corp' },
  { key: 'homeCustomer', name: 'warm customer read, home corp' },
  { key: 'corpMe', name: 'GET /api/me, corp under /corps/{id}' },
  { key: 'corpCustomer', name: 'warm customer read, corp under /corps/{id}' },
] as const;

/** The corp measured under /corps/{id}: the last one served (the home corp when it is alone). */
function measuredCorp(gateway: Gateway): { at: string; index: number } {
  const index = gateway.corps - 1;
  return { at: `/corps/${gateway.served[index]!.corpId}`, index };
}

async function warm(gateway: Gateway, tokens: readonly string[]): Promise<void> {
  const corp = measuredCorp(gateway);
  for (const [at, token] of [
    ['', tokens[0]!],
    [corp.at, tokens[corp.index]!],
  ] as const) {
    for (const route of ['/api/me', `/api/external-contacts/${CUSTOMER_ID}`]) {
      const response = await fetch(`${gateway.url}${at}${route}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${at}${route} answered ${response.status}`);
    }
  }
}

async function reads(gateway: Gateway, tokens: readonly string[]): Promise<Reads> {
  const corp = measuredCorp(gateway);
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const customer = `/api/external-contacts/${CUSTOMER_ID}`;
  const { pid } = gateway.child;
  return {
    homeMe: await measure(`${gateway.url}/api/me`, auth(tokens[0]!), pid),
    homeCustomer: await measure(gateway.url + customer, auth(tokens[0]!), pid),
    corpMe: await measure(`${gateway.url}${corp.at}/api/me`, auth(tokens[corp.index]!), pid),
    corpCustomer: await measure(gateway.url + corp.at + customer, auth(tokens[corp.index]!), pid),
  };
}

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined ? 'n/a' : value.toFixed(digits);
const slope = (many: number | undefined, one: number | undefined) =>
  many === undefined || one === undefined ? undefined : (many - one) / (MOST_CORPS - 1);
const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');

async function main(): Promise<void> {
  if (RUNNER === 'build') buildServer();
  const throwAway = GIVEN_REDIS_URL ? undefined : await startRedisProcess();
  const redisUrl = GIVEN_REDIS_URL ?? throwAway!.url;
  const shown = new URL(redisUrl);
  shown.password = shown.password && '***';
  const seeds = Array.from({ length: MOST_CORPS }, (_, i) => benchCorp(i));
  const simulator = await startSimulator({
    latencyMs: UPSTREAM_LATENCY_MS,
    seed: seeds[0],
    moreCorps: seeds.slice(1),
  });
  const played = seeds.map((seed) => simulator.corp(seed.corpId));
  process.stdout.write(
    `bench:corps: Redis ${shown} (${throwAway ? 'a throw-away redis-server' : 'REDIS_URL'}, keys under ${RUN_PREFIX}), the WeCom simulator at ${simulator.url} playing ${MOST_CORPS} corps (latency ${UPSTREAM_LATENCY_MS} ms), gateways with ${SIZES.join(', ')} corps on loopback\n`,
  );
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wecom-gate-bench-corps-'));
  try {
    const floorPort = await freePort();
    const floor = spawnEntry('bench/redis-floor.ts', {
      PORT: String(floorPort),
      REDIS_URL: redisUrl,
    });
    const floorUrl = `http://127.0.0.1:${floorPort}/floor`;
    await waitFor(floorUrl, floor);

    const one = await footprint(redis, simulator, played.slice(0, 1), redisUrl, dir, []);
    process.stdout.write(`1 corp: started, ${one.figures.rssMb?.toFixed(0)} MB\n`);
    const ten = await footprint(redis, simulator, played.slice(0, 10), redisUrl, dir, [
      one.gateway,
    ]);
    process.stdout.write(`10 corps: started, ${ten.figures.rssMb?.toFixed(0)} MB\n`);
    await stop(ten.gateway.child);
    await deleteUnder(redis, ten.gateway.prefix);
    const many = await footprint(redis, simulator, played, redisUrl, dir, [one.gateway]);
    process.stdout.write(`${MOST_CORPS} corps: started, ${many.figures.rssMb?.toFixed(0)} MB\n`);
    const footprints = [one.figures, ten.figures, many.figures];

    for (const gateway of [one.gateway, many.gateway]) {
      await stop(gateway.child);
      await deleteUnder(redis, gateway.prefix);
    }
    // Rounds: the floor, then a new 1-corp and a new 100-corp gateway (a login in every corp),
    // each gateway's reads in turn (the other stopped), alternating which goes first; the floor
    // again. Each ratio is to the mean of the floor on both sides. New processes each round: two
    // gateways of the same code and the same corps differ by up to 40 % in CPU per request, each
    // for its whole life, so comparing one process of each would measure which process was
    // luckier (docs/benchmarks.md).
    const floors: Result[] = [(await measure(floorUrl)).result];
    const rounds: { one: Reads; many: Reads }[] = [];
    const turn = async (gateway: Gateway, tokens: string[], other: Gateway) => {
      gateway.child.kill('SIGCONT');
      other.child.kill('SIGSTOP');
      try {
        return await reads(gateway, tokens);
      } finally {
        other.child.kill('SIGCONT');
      }
    };
    const fresh = async (served: readonly CorpSimulator[], round: number) => {
      const gateway = await startGateway(simulator, served, redisUrl, dir, round);
      const tokens = await loginEverywhere(gateway);
      await warm(gateway, tokens);
      return { gateway, tokens };
    };
    for (let round = 0; round < ROUNDS; round++) {
      process.stdout.write(`round ${round + 1} of ${ROUNDS}\n`);
      const a = await fresh(played.slice(0, 1), round);
      const b = await fresh(played, round);
      try {
        if (round % 2 === 0) {
          const first = await turn(a.gateway, a.tokens, b.gateway);
          rounds.push({ one: first, many: await turn(b.gateway, b.tokens, a.gateway) });
        } else {
          const first = await turn(b.gateway, b.tokens, a.gateway);
          rounds.push({ one: await turn(a.gateway, a.tokens, b.gateway), many: first });
        }
      } finally {
        for (const { gateway } of [a, b]) {
          await stop(gateway.child);
          await deleteUnder(redis, gateway.prefix);
        }
      }
      floors.push((await measure(floorUrl)).result);
    }
    const floorRps = (round: number) =>
      (floors[round]!.requests.average + floors[round + 1]!.requests.average) / 2;
    const hotPath: CorpsHotPath[] = PATHS.map(({ key, name }) => ({
      name,
      ratiosOne: rounds.map((r, i) => r.one[key].result.requests.average / floorRps(i)),
      ratiosMany: rounds.map((r, i) => r.many[key].result.requests.average / floorRps(i)),
    }));
    const failed = rounds.reduce(
      (sum, r) =>
        sum +
        PATHS.reduce((n, { key }) => {
          const a = r.one[key].result;
          const b = r.many[key].result;
          return n + a.non2xx + a.errors + a.timeouts + b.non2xx + b.errors + b.timeouts;
        }, 0),
      0,
    );

    const [f1, f10, fMany] = footprints as [Footprint, Footprint, Footprint];
    const perCorp = {
      rssMb: slope(fMany.rssMb, f1.rssMb),
      heapMb: slope(fMany.afterLogins.heapUsedBytes / MB, f1.afterLogins.heapUsedBytes / MB)!,
      keys: slope(fMany.keys, f1.keys)!,
      keyBytes: slope(fMany.keyBytes, f1.keyBytes)!,
      usedMemoryBytes: slope(fMany.usedMemoryBytes, f1.usedMemoryBytes)!,
      connections: slope(fMany.connections, f1.connections)!,
      idleCpuMsPerS: slope(fMany.idleCpuMsPerS, f1.idleCpuMsPerS),
      idleCommandsPerS: slope(fMany.idleCommandsPerS, f1.idleCommandsPerS)!,
    };
    const sizeRows = footprints.map(
      (f) =>
        `| ${f.corps} | ${f.startSeconds.toFixed(1)} / ${f.loginSeconds.toFixed(1)} | ${fixed(f.afterStart.rssBytes / MB)} / ${fixed(f.afterStart.heapUsedBytes / MB, 1)} | ${fixed(f.rssMb)} / ${fixed(f.afterLogins.heapUsedBytes / MB, 1)} | ${fixed(f.peakRssMb)} | ${f.keys} | ${fixed(f.keyBytes / 1024)} | ${fixed(f.usedMemoryBytes / 1024)} | ${f.connections} | ${fixed(f.idleCpuMsPerS, 1)} | ${fixed(f.idleCommandsPerS, 1)} |`,
    );
    const ratioCell = (values: readonly number[]) =>
      `${median(values).toFixed(2)} (${values.map((v) => v.toFixed(2)).join(', ')})`;
    const cpuCell = (values: readonly (number | undefined)[]) =>
      values.includes(undefined) ? 'n/a' : median(values as number[]).toFixed(0);
    const hotRows = hotPath.map((h, p) => {
      const key = PATHS[p]!.key;
      return `| ${h.name} | ${ratioCell(h.ratiosOne)} | ${ratioCell(h.ratiosMany)} | ${ratioCell(h.ratiosMany.map((m, i) => m / h.ratiosOne[i]!))} | ${cpuCell(rounds.map((r) => r.one[key].cpuUsPerRequest))} / ${cpuCell(rounds.map((r) => r.many[key].cpuUsPerRequest))} |`;
    });
    const resources = (p: ProbeAnswer) => list(p.resources);
    const cap = startHeapCapMb();
    const heapOneMb = f1.afterLogins.heapUsedBytes / MB;
    const heapCapNote =
      cap === undefined
        ? 'npm start sets no heap cap.'
        : `npm start's heap cap (--max-old-space-size=${cap}) holds about ${Math.max(0, Math.floor((cap - heapOneMb) / perCorp.heapMb) + 1)} corps by these figures (heap used after a GC ${heapOneMb.toFixed(1)} MB with 1 corp, + ${perCorp.heapMb.toFixed(2)} MB per corp), before any request's garbage or the org snapshot.`;
    const report = [
      `- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}; ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}; ${new Date().toISOString()}; load average ${os.loadavg()[0]!.toFixed(1)}`,
      `- ${throwAway ? 'a throw-away redis-server' : 'the Redis of REDIS_URL'} on ${shown.host}; the WeCom simulator in this process playing ${MOST_CORPS} corps (groupCorp() each with its own corp ID, secrets and AgentIds), latency ${UPSTREAM_LATENCY_MS} ms; each gateway one process (${RUNNER === 'build' ? 'the built server, dist/server/src/index.js' : 'server/src/index.ts through tsx'}; node ${GATEWAY_NODE_FLAGS.join(' ') || 'with V8 defaults'} --expose-gc, the bench's memory probe), a real corps file with every corp's secrets and callback keys, Redis configured (one job engine on BullMQ for every corp), LOG_LEVEL=warn`,
      '',
      `Per gateway, after its start and a login of zhangsan in every corp (memory after a full GC; Redis figures are the gateway's own: its keys, their MEMORY USAGE, the growth of used_memory and of connected_clients since before it started; idle: ${IDLE_S} s with the other gateways stopped):`,
      '',
      '| corps | start / logins s | after start: RSS / heap MB | after logins: RSS / heap MB | peak RSS MB | Redis keys | keys KB | used_memory +KB | connections | idle CPU ms/s | idle Redis cmds/s |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...sizeRows,
      '',
      `Per added corp (slope from 1 to ${MOST_CORPS} corps): RSS ${fixed(perCorp.rssMb, 2)} MB, heap used ${perCorp.heapMb.toFixed(2)} MB, ${perCorp.keys.toFixed(1)} Redis keys (${fixed(perCorp.keyBytes / 1024, 1)} KB), Redis used_memory +${fixed(perCorp.usedMemoryBytes / 1024, 1)} KB, ${perCorp.connections.toFixed(2)} Redis connections, idle ${fixed(perCorp.idleCpuMsPerS, 2)} ms of CPU a second and ${perCorp.idleCommandsPerS.toFixed(2)} Redis commands a second.`,
      '',
      `The ${MOST_CORPS}-corp gateway's ${fMany.connections} Redis connections by client name (last command): ${list(fMany.connectionKinds)}; the 1-corp gateway's ${f1.connections}: ${list(f1.connectionKinds)}.`,
      '',
      `The ${MOST_CORPS}-corp gateway's keys (every corp's prefix and ID left out): ${list(fMany.keyNames)}.`,
      '',
      `Redis commands a second while the ${MOST_CORPS}-corp gateway was idle: ${list(Object.fromEntries(Object.entries(fMany.idleCommands).map(([c, n]) => [c, Number(n.toFixed(1))])))}; the 1-corp gateway's: ${list(Object.fromEntries(Object.entries(f1.idleCommands).map(([c, n]) => [c, Number(n.toFixed(1))])))}.`,
      '',
      heapCapNote,
      '',
      `What keeps each event loop alive after the logins (ref'd handles and timers): 1 corp ${resources(f1.afterLogins)}; 10 corps ${resources(f10.afterLogins)}; ${MOST_CORPS} corps ${resources(fMany.afterLogins)}.`,
      '',
      `Hot path, ratio to the Redis floor (median (rounds)); ${ROUNDS} rounds of ${DURATION_S} s per target after ${WARMUP_S} s warm-up, ${CONNECTIONS} connections; the corp under /corps/{id} is the last corp of the file (with 1 corp: the home corp under its corp path); the floor ran at ${floors.map((f) => fixed(f.requests.average)).join(', ')} req/s:`,
      '',
      `| target | 1 corp | ${MOST_CORPS} corps | ${MOST_CORPS} / 1 (paired by round) | gateway CPU µs/request, 1 / ${MOST_CORPS} corps (medians) |`,
      '|---|---:|---:|---:|---:|',
      ...hotRows,
      '',
    ].join('\n');
    process.stdout.write('\n');
    finishBench({
      command: 'bench:corps',
      write,
      file: path.join(__dirname, 'results-corps.md'),
      header: '# Several corps benchmark (`npm run bench:corps`)\n\n',
      report,
      targets: corpsTargets({
        corps: MOST_CORPS,
        hotPath,
        failedReads: failed,
        perCorp: {
          rssMb: perCorp.rssMb,
          keys: perCorp.keys,
          connections: perCorp.connections,
        },
      }),
    });
  } finally {
    stopping = true;
    await Promise.all([...children].map(stop));
    await simulator.close();
    await deleteUnder(redis, RUN_PREFIX).catch(() => undefined);
    if (GIVEN_REDIS_URL) await redis.del('bench:floor').catch(() => undefined);
    redis.disconnect();
    await throwAway?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping = true;
    for (const child of children) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:corps failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
