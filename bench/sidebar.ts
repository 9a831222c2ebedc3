import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServices, type Services } from '../miniprogram/services';
import { createApp, createCorpMiddleware } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDeps } from '../server/src/deps';
import { createLogger } from '../server/src/logger';
import { createMetrics } from '../server/src/metrics';
import { customerId, groupChatId, type Simulator, startSimulator } from '../server/src/sandbox';
import { createRedisHealth } from '../server/src/stores/redis-health';
import { createRedisStore } from '../server/src/stores/redis-store';
import { type NodeWxContext, nodeWx } from '../test/helpers/node-wx';
import { startRedisProcess } from '../test/helpers/redis-process';
import { benchCli, finishBench } from './cli';
import { setting } from './settings';
import { percentile, sidebarTargets } from './targets';

/**
 * `npm run bench:sidebar`: what an employee waits for when opening the mini-program from a chat's
 * sidebar, through the mini-program's own services with an injected client round trip, against the
 * server (in this process, a Redis of its own) and the simulator with a latency on every call.
 */
const USAGE = `Usage: npm run bench:sidebar [-- --write]
What an employee waits for when opening the mini-program from a chat's sidebar: the time from
opening to the customer (or group) on screen, for cold opens (no session, tokens warm) and warm
opens (live session, detail cached), from the single-chat, group-chat and contact-profile entries,
beside the two-request flow (log in, then read) in the same run. The client is the mini-program's
own services with an injected round trip to the server; the server runs with a Redis of its own
(needs redis-server; takes a minute or more) against the WeCom simulator with a latency on every
call. Targets: every open is one request; cold median <= 1 RTT + 1 WeCom latency + 30 ms; warm
median <= 1 RTT + 10 ms; a cold open right after the tokens' lifetime meets the cold target without
waiting for gettoken.
  --write   record the report in bench/results-sidebar.md (a tracked file); without it nothing
            is written
  --help    this text
Settings (environment, then .env): BENCH_CLIENT_RTT_MS (100), BENCH_WECOM_LATENCY_MS (50),
BENCH_SIDEBAR_OPENS (20 per case).
Exit code: 0 every target met, 1 a target missed or the bench failed, 2 bad arguments or settings.
`;
const { write } = benchCli('bench:sidebar', USAGE);

const RTT_MS = setting('BENCH_CLIENT_RTT_MS', 100, 10_000);
const WECOM_MS = setting('BENCH_WECOM_LATENCY_MS', 50, 10_000);
const OPENS = Math.max(3, setting('BENCH_SIDEBAR_OPENS', 20, 1000));
/** The simulator's token lifetime in the expiry case: kept half of it, refreshed at 80 % of that. */
const SHORT_LIFETIME_S = 6;
const EXPIRY_OPENS = 3;
/** gettoken is this much slower in the expiry case: an open that waited for it would show it. */
const SLOW_GETTOKEN_MS = 500;

type Entry = 'single_chat_tools' | 'group_chat_tools' | 'contact_profile';
/** The customer or group each entry opens (followed or owned by zhangsan). */
const OPENED: Record<Entry, Partial<NodeWxContext>> = {
  single_chat_tools: { contactId: customerId(2) },
  contact_profile: { contactId: customerId(3) },
  group_chat_tools: { chatId: groupChatId(1) },
};

interface Stats {
  median: number;
  p95: number;
  /** Requests to the server per open. */
  requests: number;
}

const stats = (times: number[], requests: number[]): Stats => {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    requests: Math.max(...requests),
  };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function startGateway(redisUrl: string, simulator: Simulator) {
  const logger = createLogger({ level: 'silent' });
  const config = loadConfig({
    WECOM_CORP_ID: simulator.corpId,
    WECOM_APP_SECRET: 'bench',
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
    CACHE_TTL_SECONDS: '3600',
    RATE_LIMIT_LOOKUP_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
  });
  const redis = { url: redisUrl, keyPrefix: `bench-sidebar:${Date.now()}:` };
  const store = await createRedisStore({ ...redis, health: createRedisHealth(redis, logger) });
  const counts = { wecomCalls: 0, connections: 0 };
  const metrics = createMetrics();
  const deps = createDeps({
    settings: { ...config, wecom: simulator.wecomConfig() },
    logger,
    store,
    metrics: {
      ...metrics,
      wecomConnection() {
        counts.connections++;
        metrics.wecomConnection();
      },
    },
    onWecomCall: () => counts.wecomCalls++,
  });
  const server = createApp(
    deps,
    createCorpMiddleware({
      ...deps,
      sandbox: {
        issueLoginCode: (userid) => simulator.issueLoginCode(userid),
        employees: () => simulator.demoEmployees(),
      },
    }),
  ).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deps,
    counts,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deps.close();
      await store.close();
    },
  };
}

type Gateway = Awaited<ReturnType<typeof startGateway>>;

/** What the pages run: home asks the entry (and logs in), the page the current item and its detail. */
async function openToData({ gate, api }: Services, entry: Entry): Promise<void> {
  await gate.entry();
  if (entry === 'group_chat_tools') await api.getGroupChat(await gate.getCurExternalChat());
  else await api.getContact(await gate.getCurExternalContact());
}

/** A fresh device (no session): the mini-program opened for the first time, or after expiry. */
function device(gateway: Gateway, entry: Entry, refuseContext: boolean) {
  const fake = nodeWx(
    gateway.url,
    {
      userid: 'zhangsan',
      entry,
      picked: [],
      chatId: '',
      contactId: '',
      ...OPENED[entry],
      refuseCurrent: refuseContext ? 1 : 0,
    },
    { rttMs: RTT_MS },
  );
  return { fake, services: () => createServices({ wx: fake.wx, baseUrl: gateway.url }) };
}

/** Forgets the opened detail: a cold open reads WeCom, not the cache. */
async function forgetDetail(gateway: Gateway, entry: Entry): Promise<void> {
  const { customers, groupChats } = gateway.deps.contacts;
  if (entry === 'group_chat_tools') await groupChats.forget(OPENED.group_chat_tools.chatId!);
  else await customers.forget(OPENED[entry].contactId!);
}

async function timedOpen(gateway: Gateway, entry: Entry, refuseContext: boolean) {
  const { fake, services } = device(gateway, entry, refuseContext);
  const started = performance.now();
  await openToData(services(), entry);
  return { ms: performance.now() - started, requests: fake.requests.length, fake, services };
}

async function measureEntry(gateway: Gateway, entry: Entry) {
  const cases = { cold: [] as number[], coldTwo: [] as number[], warm: [] as number[] };
  const requests = { cold: [] as number[], coldTwo: [] as number[], warm: [] as number[] };
  for (let i = 0; i < OPENS; i++) {
    await forgetDetail(gateway, entry);
    const one = await timedOpen(gateway, entry, false);
    cases.cold.push(one.ms);
    requests.cold.push(one.requests);
    await forgetDetail(gateway, entry);
    const two = await timedOpen(gateway, entry, true);
    cases.coldTwo.push(two.ms);
    requests.coldTwo.push(two.requests);
    // The mini-program opened again on the same device: the session is live, the detail cached.
    const before = one.fake.requests.length;
    const started = performance.now();
    await openToData(one.services(), entry);
    cases.warm.push(performance.now() - started);
    requests.warm.push(one.fake.requests.length - before);
  }
  return {
    cold: stats(cases.cold, requests.cold),
    coldTwo: stats(cases.coldTwo, requests.coldTwo),
    warm: stats(cases.warm, requests.warm),
  };
}

/** Cold opens each right after the previous tokens' lifetime ended at WeCom. */
async function measureAfterExpiry(redisUrl: string) {
  const simulator = await startSimulator({
    latencyMs: WECOM_MS,
    tokenTtlSeconds: SHORT_LIFETIME_S,
  });
  const gateway = await startGateway(redisUrl, simulator);
  try {
    const entry: Entry = 'single_chat_tools';
    await timedOpen(gateway, entry, false);
    simulator.injectFault({ api: 'gettoken', kind: 'latency', ms: SLOW_GETTOKEN_MS, times: 1000 });
    const times: number[] = [];
    const requests: number[] = [];
    for (let i = 0; i < EXPIRY_OPENS; i++) {
      await sleep(SHORT_LIFETIME_S * 1000 + 100);
      await forgetDetail(gateway, entry);
      const open = await timedOpen(gateway, entry, false);
      times.push(open.ms);
      requests.push(open.requests);
    }
    return { ...stats(times, requests), max: Math.max(...times) };
  } finally {
    await gateway.close();
    await simulator.close();
  }
}

async function main(): Promise<void> {
  const redis = await startRedisProcess();
  try {
    const simulator = await startSimulator({ latencyMs: WECOM_MS });
    const gateway = await startGateway(redis.url, simulator);
    const entries: Entry[] = ['single_chat_tools', 'group_chat_tools', 'contact_profile'];
    const results: Partial<Record<Entry, Awaited<ReturnType<typeof measureEntry>>>> = {};
    const pool = { calls: 0, connections: 0 };
    try {
      // Tokens warm: the first open fetches them.
      await timedOpen(gateway, 'single_chat_tools', false);
      const start = { ...gateway.counts };
      for (const entry of entries) results[entry] = await measureEntry(gateway, entry);
      pool.calls = gateway.counts.wecomCalls - start.wecomCalls;
      pool.connections = gateway.counts.connections - start.connections;
    } finally {
      await gateway.close();
      await simulator.close();
    }
    const expiry = await measureAfterExpiry(redis.url);
    const fmt = (ms: number) => `${Math.round(ms)}`;
    const cell = (s: Stats) => `${fmt(s.median)} / ${fmt(s.p95)} (${s.requests})`;
    const rows = entries.map((entry) => {
      const r = results[entry]!;
      return `| ${entry} | ${cell(r.cold)} | ${cell(r.coldTwo)} | ${cell(r.warm)} |`;
    });
    const report = [
      '# Sidebar benchmark (`npm run bench:sidebar`)',
      '',
      `- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}; node ${process.version}; ${new Date().toISOString()}; load average ${os.loadavg()[0]!.toFixed(1)}`,
      `- client round trip ${RTT_MS} ms (in the mini-program's wx.request, half each way), WeCom latency ${WECOM_MS} ms (the simulator's, every call), ${OPENS} opens per case`,
      '',
      'Time to data, ms, median / p95 (requests to the server per open):',
      '',
      '| entry | cold, login with context | cold, log in then read | warm (session live, detail cached) |',
      '|---|---:|---:|---:|',
      ...rows,
      '',
      `Cold opens right after the tokens' lifetime ended (tokens live ${SHORT_LIFETIME_S} s; gettoken ${SLOW_GETTOKEN_MS} ms slower, so an open that waited for it would show): median ${fmt(expiry.median)} ms, slowest ${fmt(expiry.max)} ms over ${EXPIRY_OPENS} opens.`,
      '',
      `Connections to WeCom: ${pool.connections} opened for ${pool.calls} calls (kept alive).`,
      '',
    ];
    finishBench({
      command: 'bench:sidebar',
      write,
      file: path.join(__dirname, 'results-sidebar.md'),
      report: report.join('\n'),
      targets: sidebarTargets({
        rttMs: RTT_MS,
        wecomMs: WECOM_MS,
        entries: Object.fromEntries(
          entries.map((entry) => {
            const r = results[entry]!;
            return [
              entry,
              {
                coldMs: r.cold.median,
                coldRequests: r.cold.requests,
                warmMs: r.warm.median,
                warmRequests: r.warm.requests,
              },
            ];
          }),
        ),
        afterExpiry: {
          medianMs: expiry.median,
          maxMs: expiry.max,
          slowGettokenMs: SLOW_GETTOKEN_MS,
        },
      }),
    });
  } finally {
    await redis.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
