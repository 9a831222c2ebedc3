import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../../server/src/config';
import { loadEnvFile } from '../../../../server/src/config/env-file';
import { TSX_HOOK } from '../../../helpers/entry-points';

const MODULE = path.resolve(__dirname, '../../../../server/src/config/env-file.ts');

/** `.env` in a folder of its own, with keys of this test's own. */
describe('loadEnvFile', () => {
  let dir: string;
  const keys = ['ENV_FILE_TEST_A', 'ENV_FILE_TEST_B', 'ENV_FILE_TEST_C', 'ENV_FILE_TEST_D'];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wecom-gate-env-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const file = path.join(dir, '.env');
    writeFileSync(file, text);
    return file;
  };
  const problem = (file: string) => {
    try {
      loadEnvFile(file);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('no error');
  };

  /**
   * `loadEnvFile()` in a process of its own (jest gives each test file a copy of process.env;
   * node's loader sets the real one), in `dir`, with `env`: what it answered and the keys set.
   */
  function loadInProcess(env: Record<string, string> = {}) {
    const script = `const { loadEnvFile } = require(${JSON.stringify(MODULE)});
      const file = loadEnvFile();
      const keys = ${JSON.stringify(keys)};
      process.stdout.write(JSON.stringify({ file, env: Object.fromEntries(keys.map((k) => [k, process.env[k]])) }));`;
    const child = spawnSync(process.execPath, ['--require', TSX_HOOK, '-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as { file?: string; env: Record<string, string | undefined> };
  }

  it('sets the keys of .env in the working directory that the environment does not set', () => {
    const file = write(
      '# a comment\n\nENV_FILE_TEST_A=from the file\nexport ENV_FILE_TEST_B = two # note\nENV_FILE_TEST_C="line one\nline two"\nENV_FILE_TEST_D=\n',
    );
    expect(loadInProcess({ ENV_FILE_TEST_A: 'from the environment' })).toEqual({
      file,
      env: {
        ENV_FILE_TEST_A: 'from the environment',
        ENV_FILE_TEST_B: 'two',
        ENV_FILE_TEST_C: 'line one\nline two',
        ENV_FILE_TEST_D: '',
      },
    });
  });

  it('a missing .env is fine', () => {
    expect(loadInProcess({ ENV_FILE_TEST_A: 'set' })).toEqual({
      env: { ENV_FILE_TEST_A: 'set' },
    });
  });

  it('a line Node would skip is one line naming the file and the line, never its text', () => {
    const file = write('ENV_FILE_TEST_A=1\nWECOM_APP_SECRET s3cret-value\nENV_FILE_TEST_B=2\n');
    const message = problem(file);
    expect(message).toBe(
      `Invalid configuration: ${file} line 2: expected KEY=value (KEY of letters, digits and _) or a # comment`,
    );
    expect(message).not.toContain('s3cret');
  });

  it('refuses a key that is not a name, a quote never closed and a byte order mark', () => {
    expect(problem(write('WECOM-CORP-ID=ww1\n'))).toMatch(/line 1: expected KEY=value/);
    expect(problem(write('ENV_FILE_TEST_A=1\nENV_FILE_TEST_B="open\nENV_FILE_TEST_C=3\n'))).toMatch(
      /line 2: the value's opening " is never closed/,
    );
    expect(problem(write('\uFEFFENV_FILE_TEST_A=1\n'))).toMatch(/byte order mark/);
  });

  it('a .env that cannot be read is one line naming the file and the reason', () => {
    const folder = path.join(dir, 'sub');
    mkdirSync(path.join(folder, '.env'), { recursive: true });
    expect(problem(path.join(folder, '.env'))).toBe(
      `Invalid configuration: ${path.join(folder, '.env')} cannot be read (EISDIR)`,
    );
  });
});
