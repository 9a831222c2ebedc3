import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type RequestSpec, type Result } from 'autocannon';
import { type Simulator, startSimulator } from '../server/src/sandbox';
import { entryPoint, TSX_HOOK, withoutEnvFile } from '../test/helpers/entry-points';
import { freePort } from '../test/helpers/redis-process';
import { benchCli, finishBench } from './cli';
import { setting } from './settings';
import { apiTargets, median } from './targets';

/**
 * `npm run bench`: loopback only, starts and stops everything it needs (a redis-server on a free
 * port, the WeCom simulator in this process, the gateway and a bare Koa baseline as child
 * processes in a folder without `.env`, with exactly the configuration given here), measures each
 * target with autocannon, prints the table and the targets, and with `--write` records them in
 * `bench/results.md`.
 *
 * BENCH_GATEWAY_NODE_FLAGS defaults to npm start's flags, `--max-old-space-size=96
 * --no-allocation-site-pretenuring`: V8 otherwise lets short-lived garbage pile up in the old
 * space to ~200 MB RSS before collecting it (the live heap stays near 26 MB), and the second keeps
 * each request's objects in the young generation (docs/operations.md, "Memory").
 */
const USAGE = `Usage: npm run bench [-- --write]
The gateway under load on loopback beside a bare Koa handler and the Redis floor (Koa + router +
one Redis GET), in rounds; needs redis-server; takes a few minutes. Prints the table and the
targets: GET /api/me >= 0.4 and the warm customer read >= 0.35 x the Redis floor (medians of the
rounds), no non-2xx, one WeCom call per login, gateway peak RSS < 150 MB (p99 is printed, not a
target).
  --write   record the report in bench/results.md (a tracked file); without it nothing is written
  --help    this text
Settings (environment, then .env): BENCH_DURATION_S (3), BENCH_ROUNDS (5), BENCH_CONNECTIONS (50),
BENCH_WARMUP_S (1), BENCH_UPSTREAM_LATENCY_MS (20), BENCH_GATEWAY_NODE_FLAGS
(--max-old-space-size=96 --no-allocation-site-pretenuring, as npm start).
Exit code: 0 every target met, 1 a target missed or the bench failed, 2 bad arguments or settings.
`;
const { write } = benchCli('bench', USAGE);

const DURATION_S = setting('BENCH_DURATION_S', 3, 600);
const ROUNDS = Math.max(1, setting('BENCH_ROUNDS', 5, 20));
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50, 1000);
const WARMUP_S = setting('BENCH_WARMUP_S', 1, 60);
const UPSTREAM_LATENCY_MS = setting('BENCH_UPSTREAM_LATENCY_MS', 20, 10_000);
const GATEWAY_NODE_FLAGS = (
  process.env.BENCH_GATEWAY_NODE_FLAGS ?? '--max-old-space-size=96 --no-allocation-site-pretenuring'
)
  .split(' ')
  .filter((flag) => /^--[\w-]+(=[\w.-]+)?$/.test(flag));
/** Logins rotate over these demo employees (all inside the app's visible range). */
const EMPLOYEES = ['zhangsan', 'lisi', 'wangwu', 'zhaoliu', 'sunqi', 'wujiu', 'chenjing'];
/** Followed by zhangsan (see server/src/sandbox/README.md). */
const CUSTOMER_ID = 'wmYsDemoCust01';

const children: ChildProcess[] = [];

function spawnChild(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, {
    cwd: withoutEnvFile(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && code !== null && !stopping) {
      process.stderr.write(`${path.basename(args.at(-1) ?? command)} exited ${code}: ${stderr}\n`);
    } else if (signal && !stopping) process.stderr.write(`${command} killed by ${signal}\n`);
  });
  child.stdout?.resume();
  children.push(child);
  return child;
}

/** A TypeScript entry point in one node process (no tsx wrapper), so that its pid is the server's. */
function spawnTs(file: string, env: Record<string, string>, flags: string[] = []): ChildProcess {
  return spawnChild(process.execPath, [...flags, '--require', TSX_HOOK, entryPoint(file)], {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    ...env,
  });
}

async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function startRedis(): Promise<string> {
  const port = await freePort();
  const child = spawnChild(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    process.env,
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('error', (error) =>
      reject(new Error(`redis-server could not start (${error.message}); install redis-server`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return `redis://127.0.0.1:${port}`;
}

/** Peak resident set size (VmHWM) of a process, in MB; undefined where /proc is missing. */
function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Row {
  name: string;
  result: Result;
  /** req/s of the Redis floor in the row's round (the mean of its two measurements). */
  floorRps: number;
  upstreamPerRequest?: number;
  upstreamDetail?: string;
  rssMb?: number;
}

/** Lets in-flight requests (and their upstream calls) finish before counting. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 500 + UPSTREAM_LATENCY_MS * 5));

/**
 * Warm-up, then the measured run with the simulator's counters reset in between. Upstream calls
 * per request = calls made during the run / requests sent (autocannon stops with some requests
 * in flight: the gateway still serves them, so they count as sent).
 */
async function measure(
  simulator: Simulator,
  options: {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    setupRequest?: RequestSpec['setupRequest'];
  },
): Promise<{ result: Result; perRequest: number; detail: string }> {
  const requests = [
    {
      method: options.method ?? 'GET',
      headers: options.headers,
      ...(options.setupRequest && { setupRequest: options.setupRequest }),
    },
  ];
  if (WARMUP_S > 0)
    await autocannon({ url: options.url, connections: CONNECTIONS, duration: WARMUP_S, requests });
  await settle();
  simulator.resetCalls();
  const result = await autocannon({
    url: options.url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests,
  });
  await settle();
  const counts = simulator.callCounts();
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const sent = result.requests.sent || 1;
  const detail = Object.entries(counts)
    .map(([api, n]) => `${api} ${(n / sent).toFixed(2)}`)
    .join(', ');
  return { result, perRequest: total / sent, detail };
}

type Measured = Awaited<ReturnType<typeof measure>>;

const format = (value: number | undefined, digits = 0) =>
  value === undefined ? 'n/a' : value.toFixed(digits);

function table(rows: Row[], baseline: number): string {
  const lines = [
    '| target | req/s | × bare Koa | × Redis floor | p50 ms | p99 ms | upstream calls/req | non-2xx + errors | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|',
  ];
  for (const row of rows) {
    const r = row.result;
    const upstream =
      row.upstreamPerRequest === undefined
        ? '–'
        : `${row.upstreamPerRequest.toFixed(2)}${row.upstreamDetail ? ` (${row.upstreamDetail})` : ''}`;
    lines.push(
      `| ${row.name} | ${format(r.requests.average)} | ${(r.requests.average / baseline).toFixed(2)} | ${(r.requests.average / row.floorRps).toFixed(2)} | ${format(r.latency.p50)} | ${format(r.latency.p99)} | ${upstream} | ${r.non2xx + r.errors + r.timeouts} | ${format(row.rssMb)} |`,
    );
  }
  return lines.join('\n');
}

let stopping = false;

async function main(): Promise<void> {
  const redisUrl = await startRedis();
  const simulator = await startSimulator({ latencyMs: UPSTREAM_LATENCY_MS });
  try {
    const baselinePort = await freePort();
    const baseline = spawnTs('bench/baseline.ts', { PORT: String(baselinePort) });
    const baselineUrl = `http://127.0.0.1:${baselinePort}`;
    const floorPort = await freePort();
    const floor = spawnTs('bench/redis-floor.ts', { PORT: String(floorPort), REDIS_URL: redisUrl });
    const floorUrl = `http://127.0.0.1:${floorPort}/floor`;

    const wecom = simulator.wecomConfig();
    const gatewayPort = await freePort();
    const gateway = spawnTs(
      'server/src/index.ts',
      {
        PORT: String(gatewayPort),
        WECOM_CORP_ID: wecom.corpId,
        WECOM_APP_SECRET: wecom.secrets.app,
        WECOM_CONTACT_SECRET: wecom.secrets.contact,
        WECOM_DIRECTORY_SECRET: wecom.secrets.directory,
        WECOM_API_BASE: wecom.apiBase,
        ...(wecom.appAgentId && { WECOM_APP_AGENT_ID: wecom.appAgentId }),
        ...(wecom.miniprogramAppId && { WECOM_MINIPROGRAM_APPID: wecom.miniprogramAppId }),
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: 'bench:',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'warn',
        // The limiters still run (their cost is measured) but never refuse the load: the bench
        // measures throughput, not the limits.
        RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
        RATE_LIMIT_LOGIN_EXCHANGES_PER_MINUTE: '1000000',
        RATE_LIMIT_LOOKUP_PER_MINUTE: '10000000',
      },
      GATEWAY_NODE_FLAGS,
    );
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await Promise.all([waitFor(baselineUrl), waitFor(floorUrl), waitFor(`${gatewayUrl}/healthz`)]);

    const login = async (userid: string): Promise<string> => {
      const response = await fetch(`${gatewayUrl}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: simulator.issueLoginCode(userid) }),
      });
      if (response.status !== 201) throw new Error(`login failed: ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    };
    const token = await login('zhangsan');
    const auth = { authorization: `Bearer ${token}` };
    const rows: Row[] = [];

    process.stdout.write(
      `bench: ${ROUNDS} rounds of ${DURATION_S} s per target, ${CONNECTIONS} connections, upstream latency ${UPSTREAM_LATENCY_MS} ms\n`,
    );

    // The throughput targets are ratios measured side by side: the machine's speed drifts from
    // second to second (shared cores), so the baseline, the floor, the gateway's reads and the
    // floor again are measured in turn, ROUNDS times; each ratio is taken within its round, to
    // the mean of the floor before and after, and the median of the rounds is kept.
    await fetch(`${gatewayUrl}/api/me`, { headers: auth }).then((r) => r.arrayBuffer()); // warms the name cache
    const customerPath = `/api/external-contacts/${CUSTOMER_ID}`;
    const warm = await fetch(gatewayUrl + customerPath, { headers: auth }); // fills the detail cache
    await warm.arrayBuffer();
    if (warm.status !== 200) throw new Error(`customer read answered ${warm.status}`);
    // `/readyz` is the gateway's own floor: one Redis command (PING) through only what every API
    // answer passes (request id, security headers, metrics, error mapping, the routers, the answer
    // schema), no token, session or handler work. Not a target: it shows how much of the floor
    // the shared path leaves for the routes.
    const rounds: {
      base: Result;
      floor: Result;
      ready: Result;
      me: Measured;
      customer: Measured;
      floorAfter: Result;
    }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push({
        base: (await measure(simulator, { url: baselineUrl })).result,
        floor: (await measure(simulator, { url: floorUrl })).result,
        ready: (await measure(simulator, { url: `${gatewayUrl}/readyz` })).result,
        me: await measure(simulator, { url: `${gatewayUrl}/api/me`, headers: auth }),
        customer: await measure(simulator, { url: gatewayUrl + customerPath, headers: auth }),
        floorAfter: (await measure(simulator, { url: floorUrl })).result,
      });
    }
    type Round = (typeof rounds)[number];
    const floorRpsOf = (r: Round) => (r.floor.requests.average + r.floorAfter.requests.average) / 2;
    const ratiosOf = (pick: (r: Round) => Result) =>
      rounds.map((r) => pick(r).requests.average / floorRpsOf(r));
    const readyRatios = ratiosOf((r) => r.ready);
    const meRatios = ratiosOf((r) => r.me.result);
    const customerRatios = ratiosOf((r) => r.customer.result);
    /** The round whose ratio is the median one represents the target in the table. */
    const medianRound = (ratios: number[]) =>
      rounds[ratios.indexOf([...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!)]!;
    const meRound = medianRound(meRatios);
    const customerRound = medianRound(customerRatios);
    const me = meRound.me;
    const customer = customerRound.customer;
    const base = meRound.base;
    const floorRun = meRound.floor;
    const floorRps = floorRpsOf(meRound);
    rows.push({ name: 'bare Koa', result: base, floorRps, rssMb: peakRssMb(baseline.pid) });
    rows.push({
      name: 'Redis floor (Koa + router + 1 GET)',
      result: floorRun,
      floorRps: floorRun.requests.average,
      rssMb: peakRssMb(floor.pid),
    });
    const readyRound = medianRound(readyRatios);
    rows.push({
      name: 'GET /readyz (shared path + 1 PING)',
      result: readyRound.ready,
      floorRps: floorRpsOf(readyRound),
      rssMb: peakRssMb(gateway.pid),
    });
    rows.push({
      name: 'GET /api/me',
      result: me.result,
      floorRps,
      upstreamPerRequest: me.perRequest,
      upstreamDetail: me.detail,
      rssMb: peakRssMb(gateway.pid),
    });
    rows.push({
      name: `GET ${customerPath} (warm)`,
      result: customer.result,
      floorRps: floorRpsOf(customerRound),
      upstreamPerRequest: customer.perRequest,
      upstreamDetail: customer.detail,
      rssMb: peakRssMb(gateway.pid),
    });

    // POST /api/sessions: every request carries a fresh single-use code, issued as it is sent.
    let next = 0;
    const issueCode: RequestSpec['setupRequest'] = (request) => ({
      ...request,
      body: JSON.stringify({
        code: simulator.issueLoginCode(EMPLOYEES[next++ % EMPLOYEES.length]!),
      }),
    });
    // The access token is warm (the logins above fetched it).
    const loginRun = await measure(simulator, {
      url: `${gatewayUrl}/api/sessions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: issueCode,
    });
    rows.push({
      name: `POST /api/sessions (upstream ${UPSTREAM_LATENCY_MS} ms)`,
      result: loginRun.result,
      floorRps,
      upstreamPerRequest: loginRun.perRequest,
      upstreamDetail: loginRun.detail,
      rssMb: peakRssMb(gateway.pid),
    });

    const peak = peakRssMb(gateway.pid);
    const failed = (r: Result) => r.non2xx + r.errors + r.timeouts;
    const targets = apiTargets({
      meRatios,
      customerRatios,
      failedReads: failed(me.result) + failed(customer.result),
      loginUpstreamPerRequest: loginRun.perRequest,
      peakRssMb: peak,
    });
    const notes = [
      `- (not a target) GET /readyz, the shared path alone: ${median(readyRatios).toFixed(2)} × Redis floor (rounds ${readyRatios.map((r) => r.toFixed(2)).join(', ')})`,
      `- (not a target) p99 at ${CONNECTIONS} connections: /api/me ${me.result.latency.p99} ms, customer ${customer.result.latency.p99} ms`,
    ].join('\n');

    const machine = [
      `- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length} (os.availableParallelism ${os.availableParallelism()})`,
      `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${os.type()} ${os.release()} ${os.arch()}`,
      `- node ${process.version}; date ${new Date().toISOString()}`,
      `- settings: ${ROUNDS} rounds of ${DURATION_S} s per target after ${WARMUP_S} s warm-up, ${CONNECTIONS} connections, simulator latency ${UPSTREAM_LATENCY_MS} ms; gateway = one process (node ${GATEWAY_NODE_FLAGS.join(' ') || 'with V8 defaults'}), Redis on loopback, LOG_LEVEL=warn`,
      '- the load generator, the simulator, Redis and the gateway share the same cores',
    ].join('\n');
    process.stdout.write('\n');
    finishBench({
      command: 'bench',
      write,
      file: path.join(__dirname, 'results.md'),
      header: `# Benchmark results (\`npm run bench\`)\n\n${machine}\n\n`,
      report: `${table(rows, base.requests.average)}\n\n${notes}\n`,
      targets,
    });
  } finally {
    stopping = true;
    await simulator.close();
    await Promise.all(children.map(stop));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping = true;
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
