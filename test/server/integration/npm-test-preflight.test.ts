import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm test` on a machine without Redis or Chromium: one line per missing program, with how to
 * get it, and a non-zero exit before any suite runs; the mini-program project runs without them.
 * The machine is imitated with a PATH of links to every program of this one but redis-server and
 * redis-cli, and a CHROMIUM_PATH that does not exist.
 */

const root = join(__dirname, '../../..');
// Each test spawns npm and jest: seconds on a busy machine.
jest.setTimeout(60_000);
let bin: string;

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'no-redis-path-'));
  const linked = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith('redis-') || linked.has(name)) continue;
      linked.add(name);
      await symlink(join(dir, name), join(bin, name));
    }
  }
});
afterAll(() => rm(bin, { recursive: true, force: true }));

function npmTest(args: string[], env: Record<string, string | undefined> = {}) {
  const { TEST_REDIS_URL: _url, CHROMIUM_PATH: _chromium, ...inherited } = process.env;
  const child = spawn('npm', ['test', '--', ...args], {
    cwd: root,
    env: { ...inherited, PATH: bin, CHROMIUM_PATH: '/nonexistent/chromium', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const preflightLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line.startsWith('npm test: '));

describe('npm test on a machine without Redis or Chromium', () => {
  it('names each missing program with how to get it and exits non-zero before any suite', async () => {
    const { code, stdout, stderr } = await npmTest([]);
    expect(code).not.toBe(0);
    const lines = preflightLines(stderr);
    expect(lines).toEqual([
      expect.stringMatching(/^npm test: redis-server not found .*apt-get install -y redis-server/),
      expect.stringMatching(/^npm test: redis-cli not found .*TEST_REDIS_URL/),
      expect.stringMatching(
        /^npm test: Chromium not found at \/nonexistent\/chromium .*CHROMIUM_PATH/,
      ),
    ]);
    expect(`${stdout}${stderr}`).not.toMatch(/Test Suites|ENOENT|\n\s+at /);
  });

  it('asks for no Redis when TEST_REDIS_URL names one, and no Chromium without the browser tests', async () => {
    const { code, stderr } = await npmTest(['--selectProjects', 'server', 'e2e', '--listTests'], {
      TEST_REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(preflightLines(stderr)).toEqual([]);
    expect(code).toBe(0);
  });

  it('asks for redis-server for the topology tests even with TEST_REDIS_URL: they start their own', async () => {
    const { code, stderr } = await npmTest(['--selectProjects', 'topology', '--listTests'], {
      TEST_REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(preflightLines(stderr)).toEqual([
      expect.stringMatching(/^npm test: redis-server not found/),
      expect.stringMatching(/^npm test: redis-cli not found/),
    ]);
    expect(code).not.toBe(0);
  });

  it('runs the mini-program tests without Redis or Chromium', async () => {
    const { code, stderr } = await npmTest([
      'test/miniprogram/services/env.test.ts',
      '--selectProjects',
      'miniprogram',
    ]);
    expect(preflightLines(stderr)).toEqual([]);
    expect(stderr).toMatch(/Tests:\s+\d+ passed/);
    expect(code).toBe(0);
  });
});
