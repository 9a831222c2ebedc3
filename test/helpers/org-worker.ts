import { loadConfig } from '../../server/src/config';
import { createOrgServices, createWecom } from '../../server/src/deps';
import { createLogger } from '../../server/src/logger';
import { createMetrics } from '../../server/src/metrics';
import type { JobTuning } from '../../server/src/org/runner';
import { createStore } from '../../server/src/stores';
import { TEST_ORG_TUNING } from './org';

/**
 * One instance's org sync worker, in a process of its own that a test can kill: the directory of
 * the configuration in the environment (REDIS_URL: full syncs on the job engine), with the job
 * engine's tuning from ORG_JOB_TUNING (JSON). With ORG_REQUEST=1 it asks for a full sync first.
 * Prints `ready` once its worker runs, then waits to be stopped.
 */
async function main(): Promise<void> {
  const loaded = loadConfig();
  if (!loaded.wecom) throw new Error('WECOM_CORP_ID is required');
  const config = { ...loaded, wecom: loaded.wecom };
  const logger = createLogger({ level: 'silent' });
  const store = await createStore(config, logger);
  const infra = { logger, store, metrics: createMetrics() };
  const wecom = createWecom(infra, config);
  const jobs = JSON.parse(process.env.ORG_JOB_TUNING ?? '{}') as JobTuning;
  const org = createOrgServices(infra, config, wecom, {
    tuning: { ...TEST_ORG_TUNING, jobs },
  });
  if (process.env.ORG_REQUEST === '1') await org.requestSync();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void org.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
