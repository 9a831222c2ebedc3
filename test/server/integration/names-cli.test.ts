import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, type RedisProcess, startRedisProcess } from '../../helpers/redis-process';

/** `npm run names` in sandbox mode against a Redis of its own that needs a password. */
describe('npm run names', () => {
  const run = promisify(execFile);
  const root = join(__dirname, '../../..');
  const PASSWORD = 'Names-Cli-Passw0rd';
  let redis: RedisProcess;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedisProcess({ password: PASSWORD });
    dir = await mkdtemp(join(tmpdir(), 'wecom-gate-names-cli-'));
    await writeFile(join(dir, 'ids.txt'), 'zhangsan\nlisi\nliuzong\n');
  });
  afterAll(async () => {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function names(redisUrl: string, out: string) {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDIS_URL: redisUrl };
    const args = ['server/src/cli/names.ts', '--in', join(dir, 'ids.txt'), '--out', join(dir, out)];
    try {
      const { stderr } = await run(join(root, 'node_modules/.bin/tsx'), args, {
        cwd: root,
        env,
        timeout: 45_000,
      });
      return { code: 0, stderr };
    } catch (error) {
      const failed = error as { code?: number; stderr?: string };
      return { code: failed.code, stderr: failed.stderr ?? '' };
    }
  }
  const url = (password?: string) =>
    `redis://${password === undefined ? '' : `:${password}@`}127.0.0.1:${redis.port}`;

  it('writes a CSV that Excel opens as UTF-8: a byte order mark, then the Chinese names', async () => {
    const result = await names(url(PASSWORD), 'ok.csv');
    expect(result.code).toBe(0);
    const bytes = await readFile(join(dir, 'ok.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe(
      '\uFEFFtype,id,name,source\nuser,zhangsan,张三,wecom\nuser,lisi,李四,wecom\nuser,liuzong,,unresolved:not_found:60011\n',
    );
  }, 60_000);

  it('a wrong password in REDIS_URL: a configuration error naming REDIS_URL, exit 2', async () => {
    const result = await names(url('not-the-password'), 'wrong.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/configuration error: .*refused the password in REDIS_URL/);
    expect(result.stderr).not.toMatch(/Stream isn't writeable/);
    expect(result.stderr).not.toContain('not-the-password');
  }, 60_000);

  it('no password where Redis needs one: a configuration error naming REDIS_URL, exit 2', async () => {
    const result = await names(url(), 'none.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/configuration error: .*REDIS_URL holds none/);
  }, 60_000);

  it('nothing listening at REDIS_URL: unreachable, naming REDIS_URL, exit 1', async () => {
    const port = await freePort();
    const result = await names(`redis://127.0.0.1:${port}`, 'down.csv');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Redis at redis:\/\/127\.0\.0\.1:\d+ \(REDIS_URL\) is unreachable/,
    );
    expect(result.stderr).not.toMatch(/Stream isn't writeable/);
  }, 60_000);
});
