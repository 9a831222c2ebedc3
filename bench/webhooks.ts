import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp, createCorpMiddleware } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createDeps } from '../server/src/deps';
import { createLogger } from '../server/src/logger';
import { customerId, startSimulator } from '../server/src/sandbox';
import { createStore } from '../server/src/stores';
import { compareStreamIds } from '../server/src/stores/store';
import { startRedisProcess } from '../test/helpers/redis-process';
import { benchCli, finishBench } from './cli';
import { setting } from './settings';
import { percentile, webhookTargets } from './targets';

/**
 * `npm run bench:webhooks`: N org feed records (10,000 by default, appended in batches as a full
 * sync does) delivered to 3 endpoints on loopback (receivers in a process of their own, as the
 * systems behind run elsewhere) while the simulator pushes callbacks; the
 * deliveries per second, the delivery latency (append → the receiver has it), the peak RSS, and
 * the callback answer p99 with no endpoint and then with the 3 endpoints busy, in the same run.
 * Deliveries run on the job engine (BullMQ on the bench's own Redis), as with REDIS_URL.
 */
const USAGE = `Usage: npm run bench:webhooks [-- --write]
Webhook deliveries against receivers on loopback and a Redis of its own (needs redis-server; takes
a minute or more): deliveries per second, delivery latency p50/p99, peak RSS, and the callback
answer p99 with webhooks off and on. Targets: callback answer p99 with webhooks on ≤ 50 ms; every
endpoint gets every record once, in feed order.
  --write   record the report in bench/results-webhooks.md (a tracked file); without it nothing
            is written
  --help    this text
Settings (environment, then .env): BENCH_WEBHOOK_RECORDS (10000), BENCH_CALLBACK_EVENTS (200).
Exit code: 0 every target met, 1 a target missed or the bench failed, 2 bad arguments or settings.
`;
const { write } = benchCli('bench:webhooks', USAGE);

const RECORDS = Math.max(1, setting('BENCH_WEBHOOK_RECORDS', 10_000, 1_000_000));
const EVENTS = Math.max(1, setting('BENCH_CALLBACK_EVENTS', 200, 100_000));
const ENDPOINTS = 3;
const WARM_UP = 20;
const BATCH = 100;
const KEYS = {
  WECOM_APP_CALLBACK_TOKEN: 'BenchCallbackToken',
  WECOM_APP_CALLBACK_AES_KEY: 'BenchCallbackEncodingAesKey0123456789abcdef',
};

const sortNumbers = (values: number[]) => values.sort((a, b) => a - b);

interface ReceiverReport {
  /** [seq, when it first arrived (ms since the epoch)] */
  arrived: [string, number][];
  order: string[];
  duplicates: number;
}

/** The 3 receivers in a process of their own (see webhook-receivers.ts). */
async function startReceivers() {
  const child = fork(path.join(__dirname, 'webhook-receivers.ts'), [String(ENDPOINTS)], {
    execArgv: ['--require', 'tsx/cjs'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let counts: number[] = Array.from({ length: ENDPOINTS }, () => 0);
  let report: ((value: ReceiverReport[]) => void) | undefined;
  const urls = await new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`receivers exited (${code})`)));
    child.on(
      'message',
      (message: { urls?: string[]; counts?: number[]; report?: ReceiverReport[] }) => {
        if (message.urls) resolve(message.urls);
        if (message.counts) counts = message.counts;
        if (message.report) report?.(message.report);
      },
    );
  });
  return {
    urls,
    counts: () => counts,
    report: () =>
      new Promise<ReceiverReport[]>((resolve) => {
        report = resolve;
        child.send('report');
      }),
    stop: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

async function main() {
  const redis = await startRedisProcess();
  const simulator = await startSimulator({ callbackRetries: 0 });
  const logger = createLogger({ level: 'silent' });
  const config = loadConfig({
    WECOM_CORP_ID: simulator.corpId,
    WECOM_APP_SECRET: 'bench',
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `bench-webhooks:${Date.now()}:`,
    ADMIN_TOKEN: 'bench-webhooks-admin-token-0123456789',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...KEYS,
  });
  const store = await createStore(config, logger);
  const deps = createDeps({
    settings: { ...config, wecom: simulator.wecomConfig() },
    logger,
    store,
    webhooks: { allowHttp: true },
  });
  await deps.contacts.invalidation.listening;
  const server = createApp(deps, createCorpMiddleware(deps)).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const receivers = await startReceivers();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    const verified = await simulator.registerCallback('app', {
      url: `${url}/wecom/callback/app`,
      token: KEYS.WECOM_APP_CALLBACK_TOKEN,
      encodingAesKey: KEYS.WECOM_APP_CALLBACK_AES_KEY,
    });
    if (!verified.verified) throw new Error(`verification failed: ${verified.reason}`);
    const callbacks = async (count: number) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const [delivery] = (await simulator.pushEvent('app', {
          Event: 'change_external_contact',
          ChangeType: 'edit_external_contact',
          UserID: 'zhangsan',
          ExternalUserID: customerId((i % 40) + 1),
          State: `${Date.now()}-${i}`,
        }))!;
        const attempt = delivery!.attempts[0]!;
        if (attempt.outcome !== 200) throw new Error(`callback ${i}: ${attempt.outcome}`);
        times.push(attempt.ms);
      }
      return sortNumbers(times);
    };

    // Warm-up, not counted: the first callbacks of a process pay for compiling its code paths.
    await callbacks(WARM_UP);
    const without = await callbacks(EVENTS);
    for (const receiverUrl of receivers.urls)
      await deps.webhooks.create({ url: receiverUrl, events: ['org.member.updated'] });

    // The records, appended as a sync writes them, while the callbacks keep coming.
    const appendedAt = new Map<string, number>();
    const started = performance.timeOrigin + performance.now();
    const appending = (async () => {
      for (let i = 0; i < RECORDS; i += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, j) => ({
          kind: 'member' as const,
          op: 'updated' as const,
          id: `member${i + j}`,
          at: new Date().toISOString(),
          before: { position: 'old' },
          after: { position: `new ${i + j}` },
        }));
        const written = await deps.org.feed.append(batch);
        const now = performance.timeOrigin + performance.now();
        for (const record of written) appendedAt.set(record.seq, now);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const withWebhooks = await callbacks(EVENTS);
    await appending;
    const deadline = Date.now() + 10 * 60_000;
    while (receivers.counts().some((count) => count < RECORDS) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const received = await receivers.report();
    const finished = Math.max(...received.flatMap((r) => r.arrived.map(([, at]) => at)));
    const latencies = sortNumbers(
      received.flatMap((r) => r.arrived.map(([seq, at]) => at - (appendedAt.get(seq) ?? at))),
    );
    const delivered = received.reduce((sum, r) => sum + r.arrived.length, 0);
    const perSecond = delivered / ((finished - started) / 1000);
    const ms = (value: number) => value.toFixed(0);
    const lines = [
      '# Webhook benchmark (`npm run bench:webhooks`)',
      '',
      `- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}; node ${process.version}; ${new Date().toISOString()}`,
      '- gateway and simulator in this process, the 3 receivers in another; Redis on loopback; deliveries on BullMQ',
      '',
      `${RECORDS} org feed records (batches of ${BATCH}) to ${ENDPOINTS} endpoints:`,
      '',
      '| deliveries | per second | latency p50 | latency p99 | peak RSS |',
      '|---:|---:|---:|---:|---:|',
      `| ${delivered} | ${perSecond.toFixed(0)} | ${ms(percentile(latencies, 50))} ms | ${ms(percentile(latencies, 99))} ms | ${(peakRss / 1048576).toFixed(0)} MB |`,
      '',
      `Callback answers (${EVENTS} customer changes each), ms:`,
      '',
      '| webhooks | p50 | p99 | max |',
      '|---|---:|---:|---:|',
      `| off (no endpoint) | ${percentile(without, 50)} | ${percentile(without, 99)} | ${without.at(-1)} |`,
      `| on (${ENDPOINTS} endpoints busy with the records) | ${percentile(withWebhooks, 50)} | ${percentile(withWebhooks, 99)} | ${withWebhooks.at(-1)} |`,
      '',
    ];
    const written = [...appendedAt.keys()].sort(compareStreamIds);
    finishBench({
      command: 'bench:webhooks',
      write,
      file: path.join(__dirname, 'results-webhooks.md'),
      report: lines.join('\n'),
      targets: webhookTargets({
        callbackP99WithMs: percentile(withWebhooks, 99),
        expected: RECORDS,
        delivered: received.map((r) => ({
          unique: r.arrived.length,
          duplicates: r.duplicates,
          inOrder: r.order.join() === written.join(),
        })),
      }),
    });
  } finally {
    clearInterval(sampler);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await deps.close();
    await store.close();
    await simulator.close();
    receivers.stop();
    await redis.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
