import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fail, HELP, parseCli } from '../server/src/cli/args';
import { ConfigError } from '../server/src/config';
import { loadEnvFile } from '../server/src/config/env-file';
import { formatTargets, missedTargets, type Target } from './targets';

/**
 * The command line every bench shares: `--help` prints its usage and exits 0 before anything
 * runs; `--write` records the report in the bench's tracked `bench/*.md` (without it a run prints
 * the report and leaves `git status` clean); the settings come from the environment, then `.env`,
 * as for every entry point. A bad flag, setting or `.env` is one line and exit code 2.
 */
export function benchCli(command: string, usage: string): { write: boolean } {
  const values = parseCli(command, usage, () =>
    parseArgs({ options: { write: { type: 'boolean' }, ...HELP } }),
  );
  try {
    loadEnvFile();
  } catch (error) {
    if (error instanceof ConfigError) fail(command, error.message);
    throw error;
  }
  return { write: values.write === true };
}

/**
 * Prints the report and its targets, records them in `file` with `--write`, and sets the exit
 * code: 1 when a target printed was missed (named again on stderr).
 */
export function finishBench(options: {
  command: string;
  write: boolean;
  /** The tracked report (absolute path). */
  file: string;
  /** Printed and recorded. */
  report: string;
  /** Recorded above the report (the title, the machine). */
  header?: string;
  targets: readonly Target[];
}): void {
  const text = `${options.report}\nTargets:\n${formatTargets(options.targets)}\n`;
  process.stdout.write(text);
  const shown = path.relative(process.cwd(), options.file);
  if (options.write) {
    writeFileSync(options.file, `${options.header ?? ''}${text}`);
    process.stdout.write(`\nwritten to ${shown}\n`);
  } else process.stdout.write(`\nnot written: add --write to record this run in ${shown}\n`);
  const missed = missedTargets(options.targets);
  if (missed.length > 0) {
    process.stderr.write(
      `${options.command}: ${missed.length} target(s) missed: ${missed.map((t) => t.text).join('; ')}\n`,
    );
    process.exitCode = 1;
  }
}
