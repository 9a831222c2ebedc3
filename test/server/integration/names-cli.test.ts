import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/entry-points';
import { freePort, type RedisProcess, startRedisProcess } from '../../helpers/redis-process';
import { startTestSimulator } from '../../helpers/simulator';

/** `npm run names` in sandbox mode against a Redis of its own that needs a password. */
describe('npm run names', () => {
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

  const names = (redisUrl: string, out: string) =>
    runCli('server/src/cli/names.ts', ['--in', join(dir, 'ids.txt'), '--out', join(dir, out)], {
      env: { REDIS_URL: redisUrl },
    });
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

  it('bad arguments or an input file that cannot be read: one line, exit 2, before anything runs', async () => {
    const cli = (...args: string[]) => runCli('server/src/cli/names.ts', args);
    const missing = join(dir, 'missing.txt');
    expect(await cli('--in', missing, '--out', join(dir, 'x.csv'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `names: ${missing} cannot be read (it does not exist)\n`,
    });
    expect(await cli('--in', dir, '--out', join(dir, 'x.csv'))).toMatchObject({
      code: 2,
      stderr: `names: ${dir} is not a file\n`,
    });
    const nowhere = join(dir, 'no-such-folder');
    expect(await cli('--in', join(dir, 'ids.txt'), '--out', join(nowhere, 'x.csv'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `names: the folder ${nowhere} cannot be written to (it does not exist)\n`,
    });
    expect(await cli('--out', join(dir, 'x.csv'))).toEqual({
      code: 2,
      stdout: '',
      stderr: 'names: --in and --out are required (usage: npm run names -- --help)\n',
    });
  }, 60_000);

  it('a name a customer chose to look like a formula is written as text', async () => {
    const sim = await startTestSimulator();
    await sim.renameCustomer('wmYsDemoCust02', '=HYPERLINK("http://evil.example","x")');
    await sim.renameCustomer('wmYsDemoCust03', '@SUM(1+1)');
    await writeFile(join(dir, 'customers.txt'), 'wmYsDemoCust02\nwmYsDemoCust03\nwmYsDemoCust04\n');
    const wecom = sim.wecomConfig();
    const result = await runCli(
      'server/src/cli/names.ts',
      ['--in', join(dir, 'customers.txt'), '--out', join(dir, 'customers.csv')],
      {
        env: {
          WECOM_CORP_ID: wecom.corpId,
          WECOM_APP_SECRET: wecom.secrets.app,
          WECOM_CONTACT_SECRET: wecom.secrets.contact,
          WECOM_API_BASE: wecom.apiBase,
          JWT_SECRET: 'names-cli-jwt-secret-0123456789abcdef0123',
          REDIS_URL: url(PASSWORD),
          REDIS_KEY_PREFIX: `names-cli-formula:${Date.now()}:`,
        },
      },
    );
    expect(result.stderr.split('\n')[0]).toMatch(`WeCom corp ${wecom.corpId} at ${sim.url} (`);
    expect(result.code).toBe(0);
    const lines = (await readFile(join(dir, 'customers.csv'), 'utf8')).split('\n');
    expect(lines.slice(1, 3)).toEqual([
      `external,wmYsDemoCust02,"'=HYPERLINK(""http://evil.example"",""x"")",wecom`,
      "external,wmYsDemoCust03,'@SUM(1+1),wecom",
    ]);
    expect(lines[3]).toMatch(/^external,wmYsDemoCust04,[^'=+\-@]/);
  }, 60_000);
});
