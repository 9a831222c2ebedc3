import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DoctorReport } from '../../../server/src/admin/doctor';
import type { Simulator } from '../../../server/src/sandbox/index';
import { runCli } from '../../helpers/entry-points';
import { runServer } from '../../helpers/gateway-process';
import { freePort } from '../../helpers/redis-process';
import { startTestSimulator } from '../../helpers/simulator';

// One configuration for every entry point: the environment, then `.env` in the working
// directory for the keys the environment does not set. The server and a CLI are run in a folder
// holding a `.env` (the other tests run them in one without).

jest.setTimeout(60_000);

let dir: string;
let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wecom-gate-dotenv-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('npm run doctor with a .env', () => {
  it('checks the corp of .env, and a key set in the environment wins over the file', async () => {
    const wecom = sim.wecomConfig();
    await writeFile(
      join(dir, '.env'),
      [
        '# a real corp, as an admin fills it in',
        `WECOM_CORP_ID=${wecom.corpId}`,
        `WECOM_APP_SECRET=${wecom.secrets.app}`,
        `WECOM_CONTACT_SECRET=${wecom.secrets.contact}`,
        `WECOM_DIRECTORY_SECRET=${wecom.secrets.directory}`,
        `WECOM_APP_AGENT_ID=${wecom.appAgentId}`,
        'JWT_SECRET=dotenv-test-jwt-secret-0123456789abcdef',
        'ADMIN_USERIDS=lisi',
        // Nothing answers here: only the environment's WECOM_API_BASE lets the doctor pass.
        `WECOM_API_BASE=http://127.0.0.1:${await freePort()}`,
        '',
      ].join('\n'),
    );
    const run = await runCli('server/src/cli/doctor.ts', ['--json'], {
      cwd: dir,
      env: { WECOM_API_BASE: sim.url },
    });
    expect(run.stderr.split('\n')[0]).toBe(
      `WeCom corp ${wecom.corpId} at ${sim.url} (configuration: the environment, then ${join(dir, '.env')})`,
    );
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.corpId).toBe(wecom.corpId);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('a malformed .env: one line naming the file and the line, exit code 2', async () => {
    await writeFile(join(dir, '.env'), 'WECOM_CORP_ID=ww1\nWECOM_APP_SECRET my-secret\n');
    const run = await runCli('server/src/cli/doctor.ts', [], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `Invalid configuration: ${join(dir, '.env')} line 2: expected KEY=value (KEY of letters, digits and _) or a # comment\n`,
    );
  });
});

describe('npm start with a .env', () => {
  it('listens on the PORT of .env', async () => {
    const port = await freePort();
    await writeFile(join(dir, '.env'), `PORT=${port}\n`);
    const server = runServer({ LOG_LEVEL: 'info' }, dir);
    const listening = await server.logLine('wecom-gate listening');
    expect(listening).toMatchObject({ address: { port }, envFile: join(dir, '.env') });
  });

  it('a .env it cannot read: one line naming the file, exit code 2', async () => {
    await writeFile(join(dir, '.env'), 'PORT="3000\n');
    const server = runServer({ LOG_LEVEL: 'info' }, dir);
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toBe(
      `Invalid configuration: ${join(dir, '.env')} line 1: the value's opening " is never closed\n`,
    );
  });
});
