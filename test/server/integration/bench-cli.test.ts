import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryPoint, runCli } from '../../helpers/entry-points';

// The benches' command line, without running a bench: --help, a bad flag, a bad setting in .env.
// Each of these ends before anything is started, and no tracked result file changes.

const BENCHES = [
  { file: 'bench/run.ts', command: 'bench', results: 'bench/results.md' },
  { file: 'bench/org.ts', command: 'bench:org', results: 'bench/org-results.md' },
  { file: 'bench/callbacks.ts', command: 'bench:callbacks', results: 'bench/results-callbacks.md' },
  { file: 'bench/corps.ts', command: 'bench:corps', results: 'bench/results-corps.md' },
  { file: 'bench/webhooks.ts', command: 'bench:webhooks', results: 'bench/results-webhooks.md' },
];

const results = () => BENCHES.map((b) => readFileSync(entryPoint(b.results), 'utf8'));

describe('the benches’ command line', () => {
  it('--help prints the usage, with --write and the exit codes, and runs nothing', async () => {
    const before = results();
    for (const bench of BENCHES) {
      const run = await runCli(bench.file, ['--help']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(new RegExp(`^Usage: npm run ${bench.command} \\[-- --write\\]\n`));
      expect(run.stdout).toMatch(/ --write +record the report in bench\/.*\.md/);
      expect(run.stdout).toMatch(/^Exit code: 0 every target met, 1 a target missed/m);
    }
    expect(results()).toEqual(before);
  }, 60_000);

  it('a bad flag, or a bad setting in .env, is one line and exit code 2', async () => {
    expect(await runCli('bench/org.ts', ['--bogus'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "bench:org: Unknown option '--bogus' (usage: npm run bench:org -- --help)\n",
    });
    const dir = await mkdtemp(join(tmpdir(), 'wecom-gate-bench-env-'));
    try {
      await writeFile(join(dir, '.env'), 'BENCH_ROUNDS=many\n');
      expect(await runCli('bench/run.ts', [], { cwd: dir })).toEqual({
        code: 2,
        stdout: '',
        stderr: 'BENCH_ROUNDS: must be a whole number from 0 to 20\n',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
