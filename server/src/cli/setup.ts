import pino from 'pino';
import { type Config, ConfigError, loadConfig, type WecomConfig } from '../config';
import { createLogger, type Logger } from '../logger';
import type { Simulator } from '../sandbox/types';
import { resolveWecomTarget } from '../wecom-target';

/** What the admin CLIs share: configuration (exit 2 on a bad key), the WeCom target, a logger. */
export interface CliContext {
  config: Config;
  wecomConfig: WecomConfig;
  simulator?: Simulator;
  /** Errors only, to stderr (stdout carries the output). */
  logger: Logger;
}

export async function setUpCli(): Promise<CliContext> {
  try {
    const config = loadConfig();
    const { wecomConfig, simulator } = await resolveWecomTarget(config);
    const logger = createLogger({ level: 'error' }, pino.destination(2));
    return { config, wecomConfig, simulator, logger };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
