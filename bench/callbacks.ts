import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp, createCorpMiddleware } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDeps } from '../server/src/deps';
import { createLogger } from '../server/src/logger';
import { customerId, startSimulator } from '../server/src/sandbox';
import { createRedisHealth } from '../server/src/stores/redis-health';
import { createRedisStore } from '../server/src/stores/redis-store';
import { startRedisProcess } from '../test/helpers/redis-process';
import { benchCli, finishBench } from './cli';
import { setting } from './settings';
import { CALLBACK_ANSWER_BOUND_MS, callbackTargets, percentile } from './targets';

/**
 * `npm run bench:callbacks`: what callbacks buy, measured against the simulator and a real Redis.
 *
 * 1. The answer to WeCom: N events (a customer change each) pushed by the simulator; the time
 *    until the gateway's 200 (decrypt, dedupe claim, cache drop with broadcast, events log).
 * 2. WeCom calls saved: two employees reopen their customers (35 distinct) once a minute for an
 *    hour, with 10 customer changes during that hour, under CACHE_TTL_SECONDS=60 without callbacks
 *    and CACHE_TTL_SECONDS=3600 with them. Time is scaled (BENCH_HOUR_S real seconds = one hour,
 *    so the TTLs become 1 s and 60 s); the counts are the simulator's `externalcontact/get` calls.
 * With `--write` it records the report in bench/results-callbacks.md.
 */
const USAGE = `Usage: npm run bench:callbacks [-- --write]
What callbacks buy, against the simulator and a Redis of its own (needs redis-server; takes two
minutes or more): the time to answer WeCom's callbacks, and the WeCom calls saved by a long cache
that callbacks keep fresh. Prints the tables and the targets: every answer within 1000 ms, and
fewer externalcontact/get calls with callbacks than with CACHE_TTL_SECONDS=60.
  --write   record the report in bench/results-callbacks.md (a tracked file); without it nothing
            is written
  --help    this text
Settings (environment, then .env): BENCH_CALLBACK_EVENTS (300), BENCH_HOUR_S (60 real seconds
for one scaled hour).
Exit code: 0 every target met, 1 a target missed or the bench failed, 2 bad arguments or settings.
`;
const { write } = benchCli('bench:callbacks', USAGE);

const EVENTS = Math.max(1, setting('BENCH_CALLBACK_EVENTS', 300, 100_000));
const HOUR_S = Math.max(1, setting('BENCH_HOUR_S', 60, 3600));
const CHANGES = 10;
const KEYS = {
  WECOM_APP_CALLBACK_TOKEN: 'BenchCallbackToken',
  WECOM_APP_CALLBACK_AES_KEY: 'BenchCallbackEncodingAesKey0123456789abcdef',
};
const FOLLOWERS: Record<string, number[]> = {
  zhangsan: Array.from({ length: 28 }, (_, i) => i + 1),
  lisi: [29, 30, 31, 3, 7, 12, 20],
};

async function gateway(
  redisUrl: string,
  ttlSeconds: number,
  simulator: Awaited<ReturnType<typeof startSimulator>>,
) {
  const logger = createLogger({ level: 'silent' });
  const config = loadConfig({
    WECOM_CORP_ID: simulator.corpId,
    WECOM_APP_SECRET: 'bench',
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
    CACHE_TTL_SECONDS: String(ttlSeconds),
    RATE_LIMIT_LOOKUP_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    ...KEYS,
  });
  const redis = { url: redisUrl, keyPrefix: `bench-callbacks:${ttlSeconds}:${Date.now()}:` };
  const store = await createRedisStore({ ...redis, health: createRedisHealth(redis, logger) });
  const deps = createDeps({
    settings: { ...config, wecom: simulator.wecomConfig() },
    logger,
    store,
  });
  await deps.contacts.invalidation.listening;
  const server = createApp(deps, createCorpMiddleware(deps)).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = async (userid: string) => {
    const response = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: simulator.issueLoginCode(userid) }),
    });
    return ((await response.json()) as { token: string }).token;
  };
  return {
    url,
    login,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deps.close();
      await store.close();
    },
  };
}

async function answerTimes(redisUrl: string): Promise<number[]> {
  const simulator = await startSimulator({ callbackRetries: 0 });
  const gate = await gateway(redisUrl, 3600, simulator);
  try {
    const verified = await simulator.registerCallback('app', {
      url: `${gate.url}/wecom/callback/app`,
      token: KEYS.WECOM_APP_CALLBACK_TOKEN,
      encodingAesKey: KEYS.WECOM_APP_CALLBACK_AES_KEY,
    });
    if (!verified.verified) throw new Error(`verification failed: ${verified.reason}`);
    const times: number[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const [delivery] = (await simulator.pushEvent('app', {
        Event: 'change_external_contact',
        ChangeType: 'edit_external_contact',
        UserID: 'zhangsan',
        ExternalUserID: customerId((i % 40) + 1),
        State: String(i),
      }))!;
      const attempt = delivery!.attempts[0]!;
      if (attempt.outcome !== 200) throw new Error(`delivery ${i}: ${attempt.outcome}`);
      times.push(attempt.ms);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await gate.close();
    await simulator.close();
  }
}

/** One scaled hour of reads; answers the simulator's externalcontact/get count. */
async function hourOfReads(redisUrl: string, ttlSeconds: number, callbacks: boolean) {
  const simulator = await startSimulator();
  const gate = await gateway(redisUrl, ttlSeconds, simulator);
  try {
    if (callbacks)
      await simulator.registerCallback('app', {
        url: `${gate.url}/wecom/callback/app`,
        token: KEYS.WECOM_APP_CALLBACK_TOKEN,
        encodingAesKey: KEYS.WECOM_APP_CALLBACK_AES_KEY,
      });
    const tokens = Object.fromEntries(
      await Promise.all(Object.keys(FOLLOWERS).map(async (u) => [u, await gate.login(u)] as const)),
    );
    simulator.resetCalls();
    const minuteMs = (HOUR_S * 1000) / 60;
    let stale = 0;
    for (let minute = 0; minute < 60; minute++) {
      const started = Date.now();
      if (minute % 6 === 3 && minute / 6 < CHANGES) {
        // A customer's remark changes in WeCom; with callbacks WeCom says so.
        const n = FOLLOWERS.zhangsan![minute % 28]!;
        if (callbacks)
          await simulator.pushEvent('app', {
            Event: 'change_external_contact',
            ChangeType: 'edit_external_contact',
            UserID: 'zhangsan',
            ExternalUserID: customerId(n),
          });
        else stale++;
      }
      await Promise.all(
        Object.entries(FOLLOWERS).flatMap(([userid, ids]) =>
          ids.map((n) =>
            fetch(`${gate.url}/api/external-contacts/${customerId(n)}`, {
              headers: { authorization: `Bearer ${tokens[userid]}` },
            }).then((response) => response.arrayBuffer()),
          ),
        ),
      );
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, minuteMs - (Date.now() - started))),
      );
    }
    return { calls: simulator.calls('externalcontact/get'), stale };
  } finally {
    await gate.close();
    await simulator.close();
  }
}

async function main() {
  const redis = await startRedisProcess();
  try {
    const times = await answerTimes(redis.url);
    const without = await hourOfReads(redis.url, Math.round(HOUR_S / 60), false);
    const withCallbacks = await hourOfReads(redis.url, HOUR_S, true);
    const reads = 60 * Object.values(FOLLOWERS).reduce((sum, ids) => sum + ids.length, 0);
    const lines = [
      '# Callback benchmark (`npm run bench:callbacks`)',
      '',
      `- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}; node ${process.version}; ${new Date().toISOString()}`,
      '- gateway in this process, simulator in this process, Redis on loopback',
      '',
      `Answer to WeCom (${EVENTS} events, each a customer change: decrypt, dedupe claim, cache drop and broadcast, events log), ms:`,
      '',
      '| p50 | p99 | max | bound |',
      '|---:|---:|---:|---:|',
      `| ${percentile(times, 50)} | ${percentile(times, 99)} | ${times.at(-1)} | ${CALLBACK_ANSWER_BOUND_MS} |`,
      '',
      `WeCom calls (\`externalcontact/get\`) for one hour of reads: 35 customers of two employees, each read once a minute (${reads} reads), ${CHANGES} customer changes during the hour (time scaled: ${HOUR_S} s = 1 h):`,
      '',
      '| setup | WeCom calls | changes seen late |',
      '|---|---:|---:|',
      `| CACHE_TTL_SECONDS=60, no callbacks | ${without.calls} | ${without.stale} (each up to 60 s late) |`,
      `| CACHE_TTL_SECONDS=3600, callbacks | ${withCallbacks.calls} | 0 (dropped on the event) |`,
      '',
      `Calls saved: ${without.calls - withCallbacks.calls} (${((1 - withCallbacks.calls / without.calls) * 100).toFixed(0)} %).`,
      '',
    ];
    finishBench({
      command: 'bench:callbacks',
      write,
      file: path.join(__dirname, 'results-callbacks.md'),
      report: lines.join('\n'),
      targets: callbackTargets({
        answerMaxMs: times.at(-1)!,
        callsWithout: without.calls,
        callsWith: withCallbacks.calls,
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
