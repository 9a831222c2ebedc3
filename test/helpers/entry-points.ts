import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * How the tests and the benches start the project's entry points (the server, the CLIs, the
 * benches) as processes. Each entry point reads `.env` in its working directory, so they run in a
 * folder without one: a developer's `.env` in the repository cannot change what a test sees.
 * Paths are absolute, since the working directory is not the repository.
 */

export const ROOT = path.resolve(__dirname, '../..');

/** `node_modules/.bin/tsx`, to run a TypeScript entry point. */
export const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

/** tsx's CommonJS hook, for `node --require` (one node process: its pid is the entry point's). */
export const TSX_HOOK = createRequire(__filename).resolve('tsx/cjs');

/** An entry point of the repository (`server/src/index.ts`, `bench/run.ts` …), absolute. */
export const entryPoint = (file: string): string => path.join(ROOT, file);

/** A working directory without `.env` (the same for every process; it is never written to). */
export function withoutEnvFile(): string {
  const dir = path.join(tmpdir(), 'wecom-gate-no-env-file');
  mkdirSync(dir, { recursive: true });
  if (existsSync(path.join(dir, '.env')))
    throw new Error(`${dir}/.env exists: remove it, the tests run there to read no .env`);
  return dir;
}

export interface CliRun {
  /** The exit code (null when a signal ended it). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a CLI or a bench (`server/src/cli/doctor.ts` …) to its end with exactly `env` (plus PATH
 * and HOME), in `cwd` (default: a folder without `.env`).
 */
export function runCli(
  file: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [entryPoint(file), ...args],
      {
        cwd: options.cwd ?? withoutEnvFile(),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
        timeout: options.timeoutMs ?? 45_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
