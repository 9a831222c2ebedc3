import pino from 'pino';
import {
  ConfigError,
  loadConfig,
  type RedisConfig,
  type Settings,
  usesRedis,
  withoutCredentials,
} from '../config';
import { corpSettings } from '../config/corp-settings';
import { loadEnvFile } from '../config/env-file';
import { createOrgServices, createWecom, type Infra, type WecomServices } from '../deps';
import { createLogger, type Logger } from '../logger';
import { createMetrics } from '../metrics';
import type { Org } from '../org';
import type { Simulator } from '../sandbox/types';
import { createStore, type Store } from '../stores';
import { describeStoreProblem, probeStore } from '../stores/redis-probe';
import { resolveSettings } from '../wecom-target';
import { usageError } from './args';

/**
 * What the admin CLIs share: the settings (the environment, then `.env`; exit 2 on a bad key or
 * file; WeCom's or, in sandbox mode, the simulator's), a logger.
 */
export interface CliContext {
  settings: Settings;
  simulator?: Simulator;
  /** Errors only, to stderr (stdout carries the output). */
  logger: Logger;
}

/**
 * Reads the configuration and writes the first line of every CLI, on stderr (stdout carries the
 * output, JSON included): what it talks to and where its configuration came from.
 */
export async function setUpCli(command: string, corpId?: string): Promise<CliContext> {
  try {
    const envFile = loadEnvFile();
    const config = loadConfig();
    const resolved = await resolveSettings(config);
    const { simulator } = resolved;
    const settings = chooseCorp(command, resolved.settings, corpId);
    process.stderr.write(`${firstLine(settings, envFile)}\n`);
    const logger = createLogger({ level: 'error' }, pino.destination(2));
    return { settings, simulator, logger };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** `--corp` of every CLI: the settings of that corp of WECOM_CORPS_FILE (default: the first). */
function chooseCorp(command: string, settings: Settings, corpId: string | undefined): Settings {
  if (corpId === undefined || corpId === settings.wecom.corpId) return settings;
  const corp = settings.corps?.list.find((entry) => entry.wecom.corpId === corpId);
  if (!corp)
    usageError(
      command,
      settings.corps
        ? `--corp ${corpId} is not a corp of WECOM_CORPS_FILE (corp.unknown)`
        : `--corp ${corpId} is not WECOM_CORP_ID (${settings.wecom.corpId}); several corps need WECOM_CORPS_FILE`,
    );
  return corpSettings(settings, corp);
}

/** The `--corp` flag of every admin CLI. */
export const CORP = { corp: { type: 'string' } } as const;

/** The corp and API base a CLI talks to, or that it is the sandbox; and the `.env` it read. */
function firstLine(settings: Settings, envFile: string | undefined): string {
  const { sandbox, wecom, corps } = settings;
  const of = corps ? ` (one of ${corps.list.length} in WECOM_CORPS_FILE; choose with --corp)` : '';
  const target = !sandbox
    ? `WeCom corp ${wecom.corpId}${of} at ${withoutCredentials(wecom.apiBase)}`
    : '沙箱模式 (sandbox): the built-in demo corp, not yours — set WECOM_CORP_ID';
  const source = envFile
    ? `the environment, then ${envFile}`
    : `the environment; no .env in ${process.cwd()}`;
  return `${target} (configuration: ${source})`;
}

/**
 * What the data CLIs (names, org-sync) work with: the store — after checking that Redis answers:
 * a wrong or missing password is a configuration error (exit code 2), an unreachable Redis a
 * failure (1); then this says so on stderr, sets the exit code and answers undefined — WeCom,
 * and the org snapshot (its syncs run here when asked, never scheduled).
 */
export async function openCliDeps(
  cli: CliContext,
  command: string,
  /** What the command keeps in this process only, without Redis (a sentence's end). */
  withoutRedis: string,
): Promise<{ store: Store; wecom: WecomServices; org: Org; infra: Infra } | undefined> {
  const { settings, logger } = cli;
  if (!usesRedis(settings.redis)) process.stderr.write(`REDIS_URL is unset: ${withoutRedis}.\n`);
  const problem = await storeProblem(settings.redis);
  if (problem) {
    process.stderr.write(`${command}: ${problem.text}\n`);
    process.exitCode = problem.configuration ? 2 : 1;
    await cli.simulator?.close();
    return undefined;
  }
  const store = await createStore(settings, logger);
  const infra: Infra = { logger, store, metrics: createMetrics() };
  const wecom = createWecom(infra, settings);
  const org = createOrgServices(infra, settings, wecom, { runner: 'none' });
  return { store, wecom, org, infra };
}

/** What is wrong with the configured Redis, if anything (see `openCliDeps`). */
export async function storeProblem(
  redis: RedisConfig,
): Promise<{ text: string; configuration: boolean } | undefined> {
  const health = await probeStore(redis);
  const text = describeStoreProblem(health);
  if (!text) return undefined;
  const configuration =
    health.kind === 'redis' &&
    (health.problem === 'wrong_password' ||
      health.problem === 'password_missing' ||
      health.problem === 'tls');
  return { text, configuration };
}
