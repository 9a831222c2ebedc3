import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The command-line conventions of the admin CLIs and the benches: `--help` prints the usage on
 * stdout and exits 0; a usage error (an unknown flag, a missing or bad value) and input that
 * cannot be read are one line on stderr and exit code 2; a failure at run time is exit code 1.
 */

/** The `--help`/`-h` flag every command takes. */
export const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * The flags of `npm run <command>` as `parse` reads them (node's `parseArgs` with `HELP` among
 * the options): `--help` prints `usage` and exits 0, a usage error is one line and exit code 2.
 */
export function parseCli<V extends { help?: boolean }>(
  command: string,
  usage: string,
  parse: () => { values: V },
): V {
  let values: V;
  try {
    ({ values } = parse());
  } catch (error) {
    usageError(command, (error as Error).message);
  }
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return values;
}

/** One line naming the problem and where the usage is; exit code 2. */
export function usageError(command: string, problem: string): never {
  fail(command, `${problem} (usage: npm run ${command} -- --help)`);
}

/** Why `file` cannot be read as input, if it cannot: it is missing, not a file or not readable. */
export async function inputProblem(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return `${file} is not a file`;
    await access(file, constants.R_OK);
    return undefined;
  } catch (error) {
    return `${file} cannot be read (${describe(error)})`;
  }
}

/**
 * Why `file` cannot be written as output, if it cannot: its folder is missing or not writable,
 * or it exists and is not a writable file. Checked before a command does its work.
 */
export async function outputProblem(file: string): Promise<string | undefined> {
  const folder = path.dirname(path.resolve(file));
  try {
    if (!(await stat(folder)).isDirectory()) return `${folder} is not a folder`;
    await access(folder, constants.W_OK);
  } catch (error) {
    return `the folder ${folder} cannot be written to (${describe(error)})`;
  }
  try {
    if (!(await stat(file)).isFile()) return `${file} exists and is not a file`;
    await access(file, constants.W_OK);
    return undefined;
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    return code === 'ENOENT' ? undefined : `${file} cannot be written (${describe(error)})`;
  }
}

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code === 'ENOENT' ? 'it does not exist' : (code ?? message);
}

/** One line on stderr and this exit code (2: the input or the arguments are wrong). */
export function fail(command: string, problem: string, exitCode = 2): never {
  process.stderr.write(`${command}: ${problem}\n`);
  process.exit(exitCode);
}
