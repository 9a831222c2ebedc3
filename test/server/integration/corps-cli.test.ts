import type { DoctorReport } from '../../../server/src/admin/doctor';
import type { Simulator } from '../../../server/src/sandbox';
import { GROUP_CORP_ID, groupCorp } from '../../../server/src/sandbox/group-corp';
import { corpsFileEnv } from '../../helpers/corps-file';
import { runCli } from '../../helpers/entry-points';
import { startTestSimulator } from '../../helpers/simulator';

// The admin CLIs with WECOM_CORPS_FILE: `--corp` chooses the corp they work with
// (default: the first of the file), and their first line says which.

let simulator: Simulator;
let env: Record<string, string>;

beforeAll(async () => {
  simulator = await startTestSimulator({ moreCorps: [groupCorp()] });
  env = {
    ...corpsFileEnv([simulator, simulator.corp(GROUP_CORP_ID)], simulator.url, { agentIds: true }),
    JWT_SECRET: 'corps-cli-jwt-secret-0123456789abcdef',
  };
});

describe('the admin CLIs with several corps', () => {
  it('check the corp --corp names, with that corp’s credentials', async () => {
    const run = await runCli('server/src/cli/doctor.ts', ['--json', '--corp', GROUP_CORP_ID], {
      env,
    });
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.corpId).toBe(GROUP_CORP_ID);
    expect(report.checks.find((check) => check.id === 'token:app')).toMatchObject({
      status: 'ok',
    });
    expect(run.stderr.split('\n')[0]).toMatch(
      new RegExp(
        `^WeCom corp ${GROUP_CORP_ID} \\(one of 2 in WECOM_CORPS_FILE; choose with --corp\\)`,
      ),
    );
    const home = await runCli('server/src/cli/doctor.ts', ['--json'], { env });
    expect((JSON.parse(home.stdout) as DoctorReport).corpId).toBe(simulator.corpId);
  }, 60_000);

  it('refuse a corp the file does not list, in one line, exit code 2', async () => {
    const run = await runCli('server/src/cli/doctor.ts', ['--corp', 'ww0000000000000000'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'doctor: --corp ww0000000000000000 is not a corp of WECOM_CORPS_FILE (corp.unknown) (usage: npm run doctor -- --help)',
    );
  }, 60_000);
});
