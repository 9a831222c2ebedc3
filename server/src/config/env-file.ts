import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './index';

/**
 * The one way every entry point (the server, the admin CLIs, the benches) reads `.env`: called
 * first, before `loadConfig`. Node's own `process.loadEnvFile` sets the keys of `.env` in the
 * working directory that the environment does not set (the environment wins). A missing file is
 * fine; one that cannot be read, or that has a line Node would silently skip or misread, throws a
 * `ConfigError` naming the file and the line (never the line's text: it may hold a secret).
 * Answers the absolute path of the file read, or undefined when there is none.
 */
export function loadEnvFile(file = '.env'): string | undefined {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(`Invalid configuration: ${absolute} cannot be read (${code ?? message})`);
  }
  const problem = firstProblem(text);
  if (problem) throw new ConfigError(`Invalid configuration: ${absolute} ${problem}`);
  process.loadEnvFile(absolute);
  return absolute;
}

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=(.*)$/;
const QUOTES = ['"', "'", '`'];

/**
 * What is wrong with the file, if anything: every line must be blank, a `#` comment or
 * `KEY=value`, where a quoted value may go on over more lines up to its closing quote. (Node's
 * parser skips other lines without a word, and a skipped line can swallow the key after it.)
 */
function firstProblem(text: string): string | undefined {
  if (text.startsWith('\uFEFF'))
    return 'starts with a byte order mark: save it as UTF-8 without BOM';
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (/^\s*(#|$)/.test(line)) continue;
    const value = ASSIGNMENT.exec(line)?.[1]?.trimStart();
    if (value === undefined)
      return `line ${index + 1}: expected KEY=value (KEY of letters, digits and _) or a # comment`;
    const quote = value[0];
    if (quote === undefined || !QUOTES.includes(quote) || value.indexOf(quote, 1) > 0) continue;
    const closing = lines.findIndex((later, at) => at > index && later.includes(quote));
    if (closing < 0) return `line ${index + 1}: the value's opening ${quote} is never closed`;
    index = closing;
  }
  return undefined;
}
