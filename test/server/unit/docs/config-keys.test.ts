import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../../server/src/config';

/**
 * Every configuration key the config module reads is documented: in `.env.example` (which users
 * copy to `.env`) and in the table of `docs/configuration.md`. The keys come from the module
 * itself, not from a list kept here: `loadConfig` is given environments that record every key it
 * reads (in sandbox mode and for a real corp, so that keys read on one branch only are seen), and
 * the module's sources are searched for direct `process.env` reads.
 */

const ROOT = join(__dirname, '../../../..');
const CONFIG_DIR = join(ROOT, 'server/src/config');
const KEY = /^[A-Z][A-Z0-9_]*$/;

/** The keys `loadConfig` reads from `environment` (a refusal still read the keys before it). */
function keysRead(environment: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const note = (key: string | symbol) => {
    if (typeof key === 'string' && KEY.test(key)) read.add(key);
  };
  const recording = new Proxy(environment, {
    get(target, key, receiver) {
      note(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      note(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      note(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  try {
    loadConfig(recording, () => 'r'.repeat(43));
  } catch {
    // A configuration the module refuses still shows which keys it looked at.
  }
  return read;
}

/** `process.env.KEY` and `process.env['KEY']` in the config module's sources. */
function keysReadFromProcessEnv(): Set<string> {
  const read = new Set<string>();
  for (const file of readdirSync(CONFIG_DIR, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(join(CONFIG_DIR, file), 'utf8');
    for (const match of source.matchAll(/process\.env(?:\.(\w+)|\[\s*['"`](\w+)['"`]\s*\])/g)) {
      read.add((match[1] ?? match[2])!);
    }
  }
  return read;
}

const configKeys = [
  ...new Set([
    ...keysRead({}),
    ...keysRead({
      WECOM_CORP_ID: 'ww0123456789abcdef',
      WECOM_APP_SECRET: 'app-secret',
      JWT_SECRET: 'j'.repeat(32),
    }),
    ...keysReadFromProcessEnv(),
  ]),
].sort();

/** Keys assigned in `.env.example`, also commented out (`# KEY=`). */
function envExampleKeys(): Set<string> {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!));
}

/** Keys named in the first cell of a table row of `docs/configuration.md`. */
function configurationPageKeys(): Set<string> {
  const text = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  const keys = new Set<string>();
  for (const line of text.split('\n')) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) keys.add(match[1]!);
  }
  return keys;
}

describe('every configuration key is documented', () => {
  it('finds the keys the config module reads', () => {
    // Guards against a vacuous pass: the recording environment must see the module's reads.
    expect(configKeys).toEqual(
      expect.arrayContaining(['PORT', 'WECOM_CORP_ID', 'WECOM_APP_SECRET', 'REDIS_URL']),
    );
    expect(configKeys.length).toBeGreaterThan(30);
  });

  it('has each of them in .env.example, and nothing there that the module does not read', () => {
    const documented = envExampleKeys();
    expect(configKeys.filter((key) => !documented.has(key))).toEqual([]);
    expect([...documented].filter((key) => !configKeys.includes(key))).toEqual([]);
  });

  it('has each of them in the table of docs/configuration.md', () => {
    const documented = configurationPageKeys();
    expect(configKeys.filter((key) => !documented.has(key))).toEqual([]);
  });
});
