import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createDeps } from './deps';
import { createLogger } from './logger';
import { createStore } from './stores';
import { resolveWecomTarget } from './wecom-target';

/** The only file that listens. Sandbox mode starts the WeCom simulator in-process first. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let target: Awaited<ReturnType<typeof resolveWecomTarget>>;
  try {
    config = loadConfig();
    target = await resolveWecomTarget(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const { wecomConfig, simulator } = target;
  if (simulator) {
    logger.warn(
      { simulator: simulator.url, scenario: simulator.scenario, corpId: simulator.corpId },
      'sandbox mode: no WECOM_CORP_ID, talking to the built-in WeCom simulator',
    );
    if (config.jwtSecretGenerated) logger.warn('JWT_SECRET unset: tokens die with this process');
  }

  const store = await createStore(config, logger);
  const deps = createDeps({ config, wecomConfig, logger, store });
  const app = createApp({
    ...deps,
    sandbox: simulator && { issueLoginCode: (userid) => simulator.issueLoginCode(userid) },
  });

  const server: Server = app.listen(config.port, () => {
    logger.info({ port: config.port, sandbox: config.sandbox }, 'wecom-gate listening');
  });
  server.keepAliveTimeout = 65_000;

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
    server.close(async () => {
      await deps.close();
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

main().catch((error) => {
  process.stderr.write(`wecom-gate failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
