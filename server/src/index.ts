import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig, withSandboxOrigin } from './config';
import { loadEnvFile } from './config/env-file';
import { createDeployment } from './deployment';
import { createHttpServer } from './http-server';
import { createLogger } from './logger';
import { createStore } from './stores';
import { createRedisHealth } from './stores/redis-health';
import { registerSandboxCallbacks, resolveSettings } from './wecom-target';

/**
 * undici parses HTTP with llhttp compiled to WebAssembly. After the first WeCom call V8 compiles
 * that parser again with its optimising compiler, which takes about 35 MB for half a second and
 * keeps about 9 MB of code: the server's peak RSS. Baseline (Liftoff) code parses WeCom's small
 * answers fast enough, so the server compiles WebAssembly with Liftoff only. Set before the first
 * call compiles the parser; it concerns WebAssembly alone (nothing else in the server uses it).
 */
setFlagsFromString('--liftoff-only');

/** Why the server could not listen, in one line naming the keys to change. */
function listenFailure(error: NodeJS.ErrnoException, host: string | undefined, port: number) {
  const where = `HOST=${host ?? '(every interface)'} PORT=${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `wecom-gate cannot listen on ${where}: the port is in use (EADDRINUSE); stop what holds it or set another PORT`;
    case 'EACCES':
      return `wecom-gate cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges, set another PORT`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `wecom-gate cannot listen on ${where}: HOST is not an address of this machine (${error.code}); set HOST`;
    default:
      return `wecom-gate cannot listen on ${where}: ${error.message}`;
  }
}

/** The only file that listens. Sandbox mode starts the WeCom simulator in-process first. */
async function main(): Promise<void> {
  let target: Awaited<ReturnType<typeof resolveSettings>>;
  let envFile: string | undefined;
  try {
    envFile = loadEnvFile();
    target = await resolveSettings(withSandboxOrigin(loadConfig()));
  } catch (error) {
    // A configuration error, `.env` included: one line naming the key or the file, exit code 2.
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { settings, simulator } = target;
  const logger = createLogger({ level: settings.logLevel });
  if (settings.webConcurrency > 1 && cluster.isPrimary) {
    runPrimary(settings.webConcurrency, logger);
    return;
  }
  if (simulator) {
    logger.warn(
      { simulator: simulator.url, scenario: simulator.scenario, corpId: simulator.corpId },
      'sandbox mode: no WECOM_CORP_ID, talking to the built-in WeCom simulator',
    );
    if (settings.jwtSecretGenerated) logger.warn('JWT_SECRET unset: tokens die with this process');
  }

  // One account of Redis in the log for the store's and the job engine's connections.
  const redisHealth = createRedisHealth(settings.redis, logger);
  const store = await createStore(settings, logger, redisHealth);
  const deployment = await createDeployment({
    settings,
    logger,
    store,
    redisHealth,
    sandbox: simulator && {
      issueLoginCode: (userid) => simulator.issueLoginCode(userid),
      employees: () => simulator.demoEmployees(),
    },
  });
  if (settings.corps)
    logger.info(
      { corps: deployment.scopes().map(({ corpId, name }) => ({ corpId, name })) },
      'serving several corps (WECOM_CORPS_FILE): the first at the root, each under /corps/{corpId}',
    );

  const server: Server = createHttpServer(deployment.handler);
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (server.listening) {
      logger.error({ err: error }, 'server error');
      return;
    }
    process.stderr.write(`${listenFailure(error, settings.host, settings.port)}\n`);
    process.exit(1);
  });
  server.listen(settings.port, settings.host, () => {
    const address = server.address() as AddressInfo;
    logger.info({ address, sandbox: settings.sandbox, envFile }, 'wecom-gate listening');
    if (simulator) {
      const host = ['::', '0.0.0.0'].includes(address.address)
        ? '127.0.0.1'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;
      registerSandboxCallbacks(
        simulator,
        `http://${host}:${address.port}${settings.basePath}`,
        settings.callbacks,
        logger,
      ).catch((error: unknown) =>
        logger.warn({ err: (error as Error).message }, 'sandbox: callback registration failed'),
      );
    }
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // Keep-alive connections become idle as their last response ends: close them as they do,
    // and tell clients that send one more request on them not to reuse the connection.
    server.on('request', (_request, response) => response.setHeader('Connection', 'close'));
    const reaper = setInterval(() => server.closeIdleConnections(), 100);
    server.close(async () => {
      clearInterval(reaper);
      await deployment.close();
      await store.close();
      await simulator?.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * WEB_CONCURRENCY > 1: the primary only forks workers that share the port (node:cluster) and
 * one Redis; it relays SIGTERM/SIGINT and exits once every worker has finished its requests.
 * A worker that dies unexpectedly is replaced; one that dies before it listened stops them all
 * (exit 1).
 */
function runPrimary(workers: number, logger: ReturnType<typeof createLogger>): void {
  let stopping = false;
  let failed = false;
  const listened = new Set<number>();
  for (let i = 0; i < workers; i += 1) cluster.fork();
  cluster.on('listening', (worker) => listened.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!listened.has(worker.id)) {
      // It never listened (it printed why, e.g. the port is taken): another would fail alike.
      failed = true;
      stop('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
    setTimeout(() => cluster.fork(), 1000).unref();
  });
  logger.info({ workers }, 'wecom-gate primary started');
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`wecom-gate failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
