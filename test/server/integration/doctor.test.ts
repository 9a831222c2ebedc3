import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDoctor, type DoctorReport } from '../../../server/src/admin/doctor';
import { formatReport } from '../../../server/src/admin/report-format';
import type { ScenarioName, Simulator } from '../../../server/src/sandbox/index';
import { scenarioNames } from '../../../server/src/sandbox/index';
import { createWecomHttp, type WecomHttp } from '../../../server/src/wecom/http';
import { startTestSimulator } from '../../helpers/simulator';
import { silentLogger } from '../../helpers/stores';

/** Runs the doctor against a simulator in `scenario`; answers the report and its table text. */
async function diagnose(
  scenario: ScenarioName,
  probeUserIds: readonly string[] = ['lisi'],
): Promise<{ report: DoctorReport; text: string; secrets: string[]; sim: Simulator }> {
  const sim = await startTestSimulator({ scenario });
  const wecomConfig = sim.wecomConfig();
  const real = createWecomHttp({
    apiBase: wecomConfig.apiBase,
    timeoutMs: 2000,
    logger: silentLogger(),
  });
  const accessTokens: string[] = [];
  const http: WecomHttp = {
    call: (request) => {
      if (request.accessToken) accessTokens.push(request.accessToken);
      return real.call(request);
    },
    close: () => real.close(),
  };
  try {
    const report = await createDoctor({ http, wecom: wecomConfig, probeUserIds }).run();
    const secrets = [
      ...accessTokens,
      ...Object.values(wecomConfig.secrets),
      sim.seed.miniprogramApp.secret,
      sim.seed.otherApp.secret,
      sim.seed.directorySyncSecret,
    ];
    return { report, text: formatReport(report), secrets, sim };
  } finally {
    await real.close();
  }
}

const failing = (report: DoctorReport) => report.checks.filter((c) => c.status === 'fail');
const byId = (report: DoctorReport, id: string) => report.checks.find((c) => c.id === id)!;

/** What each misconfiguration must be reported as: the failing checks, their errcode and a fix phrase. */
const expected: Record<
  Exclude<ScenarioName, 'healthy' | 'big-corp'>,
  { ids: string[]; errcode: number; fix: RegExp }
> = {
  'wrong-secret': { ids: ['token:app'], errcode: 40001, fix: /WECOM_APP_SECRET/ },
  'wrong-corp': { ids: ['token:app'], errcode: 40013, fix: /WECOM_CORP_ID|corp ?ID/i },
  'untrusted-ip': { ids: ['trusted-ip'], errcode: 60020, fix: /127\.0\.0\.1/ },
  'not-associated': { ids: ['miniprogram-login'], errcode: 48002, fix: /associated app/ },
  'contact-not-callable': {
    ids: ['customer-contact'],
    errcode: 48002,
    fix: /Customer Contact|customer-contact|customer contact/i,
  },
  'no-contact-permission': { ids: ['customer-contact'], errcode: 84074, fix: /./ },
  'narrow-visible-range': { ids: ['directory'], errcode: 60011, fix: /Visible Range/i },
  'directory-sync-secret': { ids: ['directory'], errcode: 48009, fix: /WECOM_DIRECTORY_SECRET/ },
};

describe('doctor against the simulator', () => {
  it('reports a healthy setup as all ok, one check per area', async () => {
    const { report, text } = await diagnose('healthy');
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['token:app', 'ok'],
      ['trusted-ip', 'ok'],
      ['miniprogram-login', 'ok'],
      ['customer-contact', 'ok'],
      ['directory', 'ok'],
      ['group-chats', 'ok'],
    ]);
    expect(byId(report, 'token:app').sharedWith).toEqual(['contact', 'directory']);
    expect(text).toMatch(/All well: 6 ok, 0 failed/);
  });

  it.each(Object.entries(expected))(
    '%s: names that cause and its fix, and no other failure',
    async (scenario, want) => {
      const { report, text } = await diagnose(scenario as ScenarioName);
      expect(report.ok).toBe(false);
      const failed = failing(report);
      expect(failed.map((c) => c.id)).toEqual(want.ids);
      for (const check of failed) {
        expect(check.errcode).toBe(want.errcode);
        expect(check.fix!.en).toMatch(want.fix);
        expect(check.fix!.zh.length).toBeGreaterThan(0);
        expect(check.link).toContain(`e=${want.errcode}`);
      }
      expect(text).toContain(`[${want.errcode}]`);
      expect(text).toMatch(/Problems found/);
    },
  );

  it('untrusted-ip: the gated checks are skipped as blocked by the trusted IP, with the IP to add', async () => {
    const { report } = await diagnose('untrusted-ip');
    const trusted = byId(report, 'trusted-ip');
    expect(trusted.fix!.zh).toContain('127.0.0.1');
    for (const id of ['miniprogram-login', 'customer-contact', 'directory', 'group-chats']) {
      expect(byId(report, id)).toMatchObject({ status: 'skipped', blockedBy: 'trusted-ip' });
    }
  });

  it('wrong-secret: the app checks are skipped as blocked by the token', async () => {
    const { report } = await diagnose('wrong-secret');
    expect(byId(report, 'miniprogram-login')).toMatchObject({
      status: 'skipped',
      blockedBy: 'token:app',
    });
  });

  it('contact-not-callable: the group check is skipped as the same cause', async () => {
    const { report } = await diagnose('contact-not-callable');
    expect(byId(report, 'group-chats')).toMatchObject({
      status: 'skipped',
      blockedBy: 'customer-contact',
    });
  });

  it('big-corp: 81017 is a warning that the server already handles with owner_filter', async () => {
    const { report, text } = await diagnose('big-corp');
    expect(report.ok).toBe(true);
    expect(byId(report, 'group-chats')).toMatchObject({ status: 'warn', errcode: 81017 });
    expect(byId(report, 'group-chats').fix!.en).toMatch(/owner_filter/);
    expect(text).toMatch(/WARN {2}group-chats/);
  });

  it('without ADMIN_USERIDS probes a follower found via customer contact', async () => {
    const { report } = await diagnose('healthy', []);
    expect(byId(report, 'directory').status).toBe('ok');
    expect(byId(report, 'directory').summary.en).toMatch(/user\/get \w+ succeeded/);
  });

  it.each(scenarioNames)('%s: no secret appears in the table or the JSON', async (scenario) => {
    const { report, text, secrets } = await diagnose(scenario);
    const json = JSON.stringify(report);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(json).not.toContain(secret);
    }
    expect(secrets.length).toBeGreaterThan(5);
  });
});

describe('doctor runs', () => {
  it('shares one probe between concurrent runs and reuses a fresh report for reuseMs', async () => {
    const sim = await startTestSimulator();
    const wecomConfig = sim.wecomConfig();
    const http = createWecomHttp({
      apiBase: wecomConfig.apiBase,
      timeoutMs: 2000,
      logger: silentLogger(),
    });
    let clock = 1_000_000;
    const doctor = createDoctor({
      http,
      wecom: wecomConfig,
      probeUserIds: [],
      reuseMs: 10_000,
      now: () => clock,
    });
    try {
      const [a, b] = await Promise.all([doctor.run(), doctor.run()]);
      expect(a).toBe(b);
      clock += 9_999;
      expect(await doctor.run()).toBe(a);
      expect(sim.calls('gettoken')).toBe(1);
      clock += 1;
      const fresh = await doctor.run();
      expect(fresh).not.toBe(a);
      expect(sim.calls('gettoken')).toBe(2);
    } finally {
      await http.close();
    }
  });
});

describe('npm run doctor', () => {
  const run = promisify(execFile);
  const root = join(__dirname, '../../..');
  /** The CLI in sandbox mode (no WECOM_CORP_ID) in `scenario`: its exit code and output. */
  async function cli(scenario: string, args: string[] = []) {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      SANDBOX_SCENARIO: scenario,
      ADMIN_USERIDS: 'lisi',
    };
    try {
      const { stdout } = await run(
        join(root, 'node_modules/.bin/tsx'),
        ['server/src/cli/doctor.ts', ...args],
        { cwd: root, env, timeout: 45_000 },
      );
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string };
      return { code: failed.code, stdout: failed.stdout ?? '' };
    }
  }

  it('exits 0 with a table for a healthy setup, 1 with the JSON naming the cause for a broken one', async () => {
    const healthy = await cli('healthy');
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/All well: 6 ok/);
    const broken = await cli('directory-sync-secret', ['--json']);
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as DoctorReport;
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.errcode])).toEqual([
      ['directory', 48009],
    ]);
  }, 120_000);
});
