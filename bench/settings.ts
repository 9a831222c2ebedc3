import { fail } from '../server/src/cli/args';

/**
 * A whole-number setting of a bench from the environment or `.env` (`fallback` when unset); a
 * bad value is one line and exit code 2.
 */
export function setting(name: string, fallback: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max)
    fail(name, `must be a whole number from 0 to ${max}`);
  return value;
}
