import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDoctor, type DoctorDeps, type DoctorReport } from '../../../server/src/admin/doctor';
import { formatReport } from '../../../server/src/admin/report-format';
import type { WecomConfig } from '../../../server/src/config';
import type { ScenarioName, Simulator } from '../../../server/src/sandbox/index';
import { scenarioNames } from '../../../server/src/sandbox/index';
import { createEndpointStore } from '../../../server/src/webhooks/endpoints';
import { consolePaths, explainErrcode, wecomErrcodes } from '../../../server/src/wecom/errcodes';
import { createWecomHttp, type WecomHttp } from '../../../server/src/wecom/http';
import { createWecomProbe } from '../../../server/src/wecom/probe';
import { runCli, withoutEnvFile } from '../../helpers/entry-points';
import { freePort, type RedisProcess, startRedisProcess } from '../../helpers/redis-process';
import { startTestSimulator } from '../../helpers/simulator';
import {
  createTestRedisStore,
  silentLogger,
  testRedisUrl,
  uniquePrefix,
} from '../../helpers/stores';

/** The in-process store of sandbox mode (the store check's own tests give it a Redis). */
const SANDBOX_STORE = { redis: { keyPrefix: 'doctor-test:' }, sandbox: true };
/** Both receivers configured as sandbox mode does (their own tests: doctor-callbacks.test.ts). */
const SANDBOX_CALLBACKS = {
  keys: {
    app: {
      token: 'DoctorTestToken',
      encodingAesKey: 'DoctorTestEncodingAesKey0123456789abcdefghi',
    },
    directory: {
      token: 'DoctorTestToken2',
      encodingAesKey: 'DoctorTestEncodingAesKey0123456789abcdefghj',
    },
  },
};

/** A doctor on the simulator's corp, probing lisi unless `deps` say otherwise; `close` ends its WeCom client. */
function doctorOn(sim: Simulator, deps: Partial<DoctorDeps> = {}) {
  const wecom = sim.wecomConfig();
  const http = createWecomHttp({ apiBase: wecom.apiBase, timeoutMs: 2000, logger: silentLogger() });
  const doctor = createDoctor({
    probe: createWecomProbe({ http, wecom }),
    wecom,
    probeUserIds: ['lisi'],
    store: SANDBOX_STORE,
    callbacks: SANDBOX_CALLBACKS,
    ...deps,
  });
  return { doctor, close: () => http.close() };
}

/** Runs the doctor against a simulator in `scenario`; answers the report and its table text. */
async function diagnose(
  scenario: ScenarioName,
  probeUserIds: readonly string[] = ['lisi'],
  options: { wecom?: Partial<WecomConfig>; store?: DoctorDeps['store'] } = {},
): Promise<{ report: DoctorReport; text: string; secrets: string[]; sim: Simulator }> {
  const sim = await startTestSimulator({ scenario });
  const wecomConfig = { ...sim.wecomConfig(), ...options.wecom };
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
    const report = await createDoctor({
      probe: createWecomProbe({ http, wecom: wecomConfig }),
      wecom: wecomConfig,
      probeUserIds,
      store: options.store ?? SANDBOX_STORE,
      callbacks: SANDBOX_CALLBACKS,
    }).run();
    const secrets = [
      ...accessTokens,
      ...Object.values(wecomConfig.secrets),
      sim.seed.miniprogramApp.secret,
      sim.seed.otherApp.secret,
      sim.seed.directorySyncSecret,
      ...Object.values(SANDBOX_CALLBACKS.keys).flatMap((k) => [k.token, k.encodingAesKey]),
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
      ['store', 'ok'],
      ['api-base', 'ok'],
      ['token:app', 'ok'],
      ['trusted-ip', 'ok'],
      ['miniprogram-login', 'ok'],
      ['app-agent', 'ok'],
      ['customer-contact', 'ok'],
      ['directory', 'ok'],
      ['directory-listing', 'ok'],
      ['group-chats', 'ok'],
      ['callback:app', 'ok'],
      ['callback:directory', 'ok'],
    ]);
    expect(byId(report, 'token:app').sharedWith).toEqual(['contact', 'directory']);
    expect(text).toMatch(/All well: 12 ok, 0 failed/);
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

  it('directory-listing: which listing APIs the directory secret may call and the visible range’s size', async () => {
    const healthy = byId((await diagnose('healthy')).report, 'directory-listing');
    expect(healthy).toMatchObject({ status: 'ok', credential: 'directory' });
    expect(healthy.summary.en).toBe(
      'Directory listing APIs: department/list ✓, department/simplelist ✓, user/list ✓, user/list_id ✗ (48002). Visible range: 5 departments, 13 members.',
    );
    expect(healthy.summary.zh).toContain('可见范围：5 个部门、13 名成员');

    // The 通讯录同步 secret lists ids only: a warning naming the secret to use instead.
    const sync = byId((await diagnose('directory-sync-secret')).report, 'directory-listing');
    expect(sync).toMatchObject({ status: 'warn', errcode: 48009 });
    expect(sync.summary.en).toBe(
      'Directory listing APIs: department/list ✗ (48009), department/simplelist ✓, user/list ✗ (48009), user/list_id ✓. Visible range: 7 departments, 15 members. The org sync gets ids only, no names.',
    );
    expect(sync.fix!.en).toMatch(/WECOM_DIRECTORY_SECRET.*self-built app's secret/);

    // No department in the visible range (members one by one only): nothing to sync.
    const narrow = byId((await diagnose('narrow-visible-range')).report, 'directory-listing');
    expect(narrow).toMatchObject({ status: 'warn' });
    expect(narrow.summary.en).toMatch(/Visible range: 0 departments\. No department/);
    expect(narrow.fix!.en).toMatch(/Visible Range/);
  });

  it('directory-listing in a big corp: counts departments, and members from the last org sync', async () => {
    const sim = await startTestSimulator({ scenario: 'big-corp' });
    const http = createWecomHttp({ apiBase: sim.url, timeoutMs: 5000, logger: silentLogger() });
    try {
      const report = await createDoctor({
        probe: createWecomProbe({ http, wecom: sim.wecomConfig() }),
        wecom: sim.wecomConfig(),
        probeUserIds: ['lisi'],
        store: SANDBOX_STORE,
        callbacks: SANDBOX_CALLBACKS,
        orgSize: async () => ({
          departments: 1005,
          members: 20013,
          at: '2026-12-01T00:00:00.000Z',
        }),
      }).run();
      const listing = byId(report, 'directory-listing');
      expect(listing.status).toBe('ok');
      expect(listing.summary.en).toMatch(
        /Visible range: 1005 departments, 20013 members \(the last org sync, 2026-12-01T00:00:00\.000Z\)\.$/,
      );
      // One department/list, one simplelist, one user/list, one user/list_id: not one per department.
      expect(sim.calls('user/list')).toBe(1);
    } finally {
      await http.close();
    }
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
    let clock = 1_000_000;
    const { doctor, close } = doctorOn(sim, {
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
      await close();
    }
  });

  it("reports WeCom's first answer: a busy errcode -1 is not retried", async () => {
    const sim = await startTestSimulator();
    const { doctor, close } = doctorOn(sim);
    sim.injectFault({ api: 'user/get', times: 1, kind: 'errcode', errcode: -1 });
    try {
      const report = await doctor.run();
      expect(report.checks.find((check) => check.id === 'directory')).toMatchObject({
        status: 'fail',
        errcode: -1,
      });
      expect(sim.calls('user/get')).toBe(1);
    } finally {
      await close();
    }
  });
});

describe('npm run doctor', () => {
  /** The CLI in sandbox mode (no WECOM_CORP_ID) in `scenario`: its exit code and output. */
  const cli = (scenario: string, args: string[] = []) =>
    runCli('server/src/cli/doctor.ts', args, {
      env: { SANDBOX_SCENARIO: scenario, ADMIN_USERIDS: 'lisi' },
    });

  it('exits 0 with a table for a healthy setup, 1 with the JSON naming the cause for a broken one', async () => {
    const healthy = await cli('healthy');
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/All well: 12 ok/);
    // Without Redis the webhook endpoints live in the server's process: the check says so.
    expect(healthy.stdout).toMatch(/SKIP {2}webhooks\n.*REDIS_URL is unset/);
    // The first line (on stderr, so that stdout holds the report alone) says what it checked.
    expect(healthy.stderr.split('\n')[0]).toBe(
      `沙箱模式 (sandbox): the built-in demo corp, not yours — set WECOM_CORP_ID (configuration: the environment; no .env in ${withoutEnvFile()})`,
    );
    const broken = await cli('directory-sync-secret', ['--json']);
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as DoctorReport;
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.errcode])).toEqual([
      ['directory', 48009],
    ]);
  }, 120_000);

  it('names the webhook endpoints the server disabled, read from Redis, as the diagnostics do', async () => {
    const prefix = uniquePrefix();
    const store = await createTestRedisStore({ prefix });
    try {
      const endpoints = createEndpointStore(store);
      await endpoints.put({
        id: '0123456789abcdef',
        url: 'https://crm.example.com/hooks/wecom',
        events: ['org.member.updated'],
        enabled: false,
        createdAt: new Date().toISOString(),
        disabled: { reason: 'failing', at: new Date().toISOString() },
        secrets: [{ secret: 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==' }],
      });
      await endpoints.putLane('0123456789abcdef', {
        positions: {},
        failures: 7,
        lastError: 'HTTP 503',
      });
      const run = await runCli('server/src/cli/doctor.ts', ['--json'], {
        env: {
          SANDBOX_SCENARIO: 'healthy',
          ADMIN_USERIDS: 'lisi',
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: prefix,
        },
      });
      expect(run.code).toBe(0);
      const check = byId(JSON.parse(run.stdout) as DoctorReport, 'webhooks');
      expect(check).toMatchObject({ status: 'warn' });
      expect(check?.summary.en).toContain('https://crm.example.com/hooks/wecom (HTTP 503)');
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a usage error is one line and exit code 2; --help states the exit codes', async () => {
    expect(await cli('healthy', ['--bogus'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "doctor: Unknown option '--bogus' (usage: npm run doctor -- --help)\n",
    });
    const help = await cli('healthy', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Exit code: 0 all well .*, 1 a check failed .*\n2 configuration/m);
  }, 60_000);
});

describe('doctor: a check blocked by another is skipped, naming the first cause', () => {
  it('untrusted-ip without ADMIN_USERIDS: directory is SKIP blocked by trusted-ip, not a WARN about ADMIN_USERIDS', async () => {
    const { report } = await diagnose('untrusted-ip', []);
    expect(byId(report, 'directory')).toMatchObject({ status: 'skipped', blockedBy: 'trusted-ip' });
    expect(JSON.stringify(byId(report, 'directory'))).not.toContain('ADMIN_USERIDS');
    expect(report.checks.filter((c) => c.status === 'warn')).toEqual([]);
  });

  it('contact-not-callable without ADMIN_USERIDS: directory is SKIP blocked by customer-contact', async () => {
    const { report } = await diagnose('contact-not-callable', []);
    expect(byId(report, 'directory')).toMatchObject({
      status: 'skipped',
      blockedBy: 'customer-contact',
    });
    expect(failing(report).map((c) => c.id)).toEqual(['customer-contact']);
  });

  it('wrong-corp: trusted-ip is SKIP blocked by token:app, not a check of its own', async () => {
    const { report } = await diagnose('wrong-corp');
    expect(byId(report, 'trusted-ip')).toMatchObject({ status: 'skipped', blockedBy: 'token:app' });
  });
});

describe('doctor: api-base', () => {
  it('a WECOM_API_BASE that is not WeCom: shows the URL tried and the HTTP status; the rest is blocked by it', async () => {
    const sim = await startTestSimulator();
    const apiBase = `${sim.url}/not-wecom`;
    const { report, text } = await diagnose('healthy', ['lisi'], { wecom: { apiBase } });
    const check = byId(report, 'api-base');
    expect(check.status).toBe('fail');
    expect(check.summary.en).toContain(`GET ${apiBase}/cgi-bin/getcallbackip → HTTP 404`);
    expect(check.summary.zh).toContain('HTTP 404');
    expect(check.fix!.en).toContain('https://qyapi.weixin.qq.com');
    expect(failing(report).map((c) => c.id)).toEqual(['api-base']);
    for (const id of ['token:app', 'trusted-ip', 'miniprogram-login', 'directory', 'group-chats']) {
      expect(byId(report, id)).toMatchObject({ status: 'skipped', blockedBy: 'api-base' });
    }
    expect(text).toMatch(/FAIL {2}api-base/);
  });

  it('a WECOM_API_BASE nothing listens on: the network reason, without the credentials of the URL', async () => {
    const port = await freePort();
    const { report } = await diagnose('healthy', ['lisi'], {
      wecom: { apiBase: `http://user:hunter2@127.0.0.1:${port}` },
    });
    const check = byId(report, 'api-base');
    expect(check.status).toBe('fail');
    expect(check.summary.en).toContain(
      `GET http://***@127.0.0.1:${port}/cgi-bin/getcallbackip → network error ECONNREFUSED`,
    );
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });

  it('healthy: shows the URL and that WeCom answered with an errcode', async () => {
    const { report, sim } = await diagnose('healthy');
    expect(byId(report, 'api-base').summary.en).toContain(
      `GET ${sim.url}/cgi-bin/getcallbackip → errcode 41001`,
    );
  });
});

describe('doctor: the app named by agent/get', () => {
  it('names the app by its name and AgentId in fixes instead of "<the app of …>"', async () => {
    const { report } = await diagnose('narrow-visible-range');
    expect(byId(report, 'app-agent')).toMatchObject({ status: 'ok', api: 'agent/get' });
    expect(byId(report, 'app-agent').summary.zh).toContain('客户助手');
    const directory = byId(report, 'directory');
    expect(directory.errcode).toBe(60011);
    expect(directory.fix!.en).toContain(
      'App Management → Self-built → 客户助手 (AgentId 1000002) → Visible Range',
    );
    expect(directory.fix!.zh).toContain('应用管理 → 自建 → 客户助手（AgentId 1000002） → 可见范围');
    expect(JSON.stringify(report)).not.toMatch(/<the app of|对应的应用>/);
  });

  it('a WECOM_APP_AGENT_ID of another app fails app-agent alone with 301002', async () => {
    const sim = await startTestSimulator();
    const { report } = await diagnose('healthy', ['lisi'], {
      wecom: { appAgentId: sim.seed.otherApp.agentid },
    });
    expect(failing(report).map((c) => [c.id, c.errcode])).toEqual([['app-agent', 301002]]);
    expect(byId(report, 'app-agent').fix!.en).toContain('WECOM_APP_AGENT_ID');
  });

  it('without WECOM_APP_AGENT_ID: a warning saying so, and the fixes fall back to the key', async () => {
    const { report } = await diagnose('narrow-visible-range', ['lisi'], {
      wecom: { appAgentId: undefined },
    });
    expect(byId(report, 'app-agent').status).toBe('warn');
    expect(byId(report, 'app-agent').fix!.en).toContain('WECOM_APP_AGENT_ID');
    expect(byId(report, 'directory').fix!.en).toContain('<the app of WECOM_DIRECTORY_SECRET>');
  });
});

describe('doctor: console paths', () => {
  it('84074: the fix names where to add the app and where members get customer contact', async () => {
    const { report } = await diagnose('no-contact-permission');
    const check = byId(report, 'customer-contact');
    expect(check.errcode).toBe(84074);
    expect(check.fix!.zh).toContain('「客户联系 → API → 可调用接口的应用」');
    expect(check.fix!.zh).toContain('「客户联系 → 权限配置」');
    expect(check.fix!.en).toContain('"Customer Contact → Permissions"');
  });
});

describe('doctor: store', () => {
  const PASSWORD = 'Doctor-Test-Passw0rd';
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedisProcess({ password: PASSWORD });
  });
  afterAll(() => redis.stop());
  const withPassword = (password: string) =>
    `redis://:${encodeURIComponent(password)}@127.0.0.1:${redis.port}`;
  const storeCheck = async (url: string | undefined, sandbox = false) => {
    const { report } = await diagnose('healthy', ['lisi'], {
      store: { redis: { url, keyPrefix: 'doctor-test:' }, sandbox },
    });
    return { check: byId(report, 'store'), json: JSON.stringify(report) };
  };

  it('the right password: ok, naming the Redis without its password', async () => {
    const { check, json } = await storeCheck(withPassword(PASSWORD));
    expect(check.status).toBe('ok');
    expect(check.summary.en).toContain(`redis://***@127.0.0.1:${redis.port}`);
    expect(json).not.toContain(PASSWORD);
  });

  it('a wrong password: a configuration error naming REDIS_URL, not "unreachable"', async () => {
    const { check, json } = await storeCheck(withPassword('not-the-password'));
    expect(check.status).toBe('fail');
    expect(check.summary.en).toMatch(/^Configuration error: .*refused the password in REDIS_URL/);
    expect(check.summary.zh).toContain('配置错误');
    expect(check.summary.en).not.toMatch(/unreachable/);
    expect(check.fix!.en).toContain('REDIS_URL');
    expect(json).not.toContain('not-the-password');
  });

  it('no password where Redis needs one: a configuration error naming REDIS_URL', async () => {
    const { check } = await storeCheck(`redis://127.0.0.1:${redis.port}`);
    expect(check.status).toBe('fail');
    expect(check.summary.en).toMatch(
      /^Configuration error: .*needs a password and REDIS_URL holds none/,
    );
  });

  it('nothing listening: unreachable, with the network reason', async () => {
    const port = await freePort();
    const { check } = await storeCheck(`redis://127.0.0.1:${port}`);
    expect(check.status).toBe('fail');
    expect(check.summary.en).toContain(`Redis at redis://127.0.0.1:${port} is unreachable (`);
    expect(check.summary.en).toContain('ECONNREFUSED');
    expect(check.summary.en).not.toMatch(/Configuration error/);
  });

  it('the in-process store: ok in sandbox mode, a warning otherwise, both saying single instance', async () => {
    const sandbox = await storeCheck(undefined, true);
    expect(sandbox.check.status).toBe('ok');
    expect(sandbox.check.summary.en).toContain('single instance');
    const production = await storeCheck(undefined, false);
    expect(production.check.status).toBe('warn');
    expect(production.check.summary.en).toContain('single instance');
    expect(production.check.fix!.en).toContain('REDIS_URL');
  });
});

describe('one console path per place: the catalogue, the doctor and the docs agree', () => {
  const zhPaths = (text: string) =>
    [...text.replace(/\s+/g, ' ').matchAll(/「([^」]*→[^」]*)」/g)].map((m) => m[1]!);
  const enPaths = (text: string) => [...text.matchAll(/"([^"]*→[^"]*)"/g)].map((m) => m[1]!);
  const strip = (quoted: string) => quoted.replace(/^[「"]|[」"]$/g, '');
  const contactApps = strip(consolePaths.contactApps.zh);
  const contactMembers = strip(consolePaths.contactMembers.zh);

  function expectAgreement(zh: string, en: string) {
    for (const path of zhPaths(zh)) {
      if (path.includes('客户联系')) expect(path).toMatch(/^客户联系 → /);
      if (path.includes('可调用接口的应用')) expect(path).toBe(contactApps);
      if (path.includes('权限配置')) expect(path).toBe(contactMembers);
      if (path.includes('企业可信IP'))
        expect(path).toMatch(/^应用管理 → 自建 → .+ → 企业可信IP → 配置$/);
    }
    for (const path of enPaths(en)) {
      if (path.includes('Customer Contact')) {
        expect([
          strip(consolePaths.contactApps.en),
          strip(consolePaths.contactMembers.en),
        ]).toContain(path);
      }
    }
  }

  it('the README and docs/ name 客户联系 from its own root, with the catalogue’s paths', async () => {
    const root = join(__dirname, '../../..');
    const pages = [
      join(root, 'README.md'),
      ...(await readdir(join(root, 'docs'), { recursive: true }))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join(root, 'docs', name)),
    ];
    const readme = (await Promise.all(pages.map((page) => readFile(page, 'utf8')))).join('\n');
    expect(readme).not.toContain('客户与上下游');
    expect(zhPaths(readme)).toEqual(expect.arrayContaining([contactApps, contactMembers]));
    expectAgreement(readme, readme);
  });

  it('every catalogue text and every doctor report uses the same paths', async () => {
    for (const code of wecomErrcodes.keys()) {
      for (const api of ['externalcontact/get', 'miniprogram/jscode2session', 'user/get']) {
        const out = explainErrcode(code, { api, fromIp: '203.0.113.7' });
        expectAgreement(`${out.cause.zh}${out.fix.zh}`, `${out.cause.en}${out.fix.en}`);
      }
    }
    for (const scenario of scenarioNames) {
      const { report } = await diagnose(scenario, []);
      for (const check of report.checks) {
        expectAgreement(
          `${check.summary.zh}${check.fix?.zh ?? ''}`,
          `${check.summary.en}${check.fix?.en ?? ''}`,
        );
      }
    }
  });
});
