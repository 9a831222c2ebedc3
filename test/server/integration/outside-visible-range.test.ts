import type { DoctorReport } from '../../../server/src/admin/doctor';
import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { capturingLogger } from '../../helpers/stores';

// An employee outside the app's visible range (可见范围) lists their own customers and groups. In
// the demo corp liuzong (董事会办公室, outside the range) follows customers and owns a group: WeCom
// refuses both lists with 60011, which is the employee's 403, never a 5xx; admins see it in the
// metric, the log and the doctor.

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
let simulator: Simulator;
let gateway: TestGateway;
const logs = capturingLogger('warn');
/** The clock ahead of real time by this much: the diagnostics' reuse window passes at once. */
let ahead = 0;

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({
    simulator,
    logger: logs.logger,
    now: () => Date.now() + ahead,
    env: { ADMIN_TOKEN, ADMIN_USERIDS: 'lisi' },
  });
});
afterAll(() => gateway.close());

const diagnose = async () =>
  (await gateway.request<DoctorReport>('GET', '/api/admin/diagnostics', { token: ADMIN_TOKEN }))
    .body;

describe('an employee outside the visible range', () => {
  it('should get contact.outside_visible_range for their customers and groups, and admins the fix', async () => {
    const token = await gateway.login('liuzong');
    for (const path of ['/api/external-contacts', '/api/group-chats?limit=5']) {
      const answer = await gateway.request('GET', path, { token });
      expect(answer.status).toBe(403);
      expect(errorBody(answer.body)).toMatchObject({
        code: 'contact.outside_visible_range',
        message: expect.stringMatching(/ask an admin to add you to the app's visible range/i),
      });
      expect(answer.text).not.toContain('60011');
    }

    const metrics = await gateway.request('GET', '/metrics');
    for (const resource of ['customer_list', 'groupchat_list'])
      expect(metrics.text).toMatch(
        new RegExp(
          `wecom_resource_refusals_total\\{resource="${resource}",errcode="60011"\\} 1\\b`,
        ),
      );
    const warnings = logs.lines
      .map((line) => JSON.parse(line))
      .filter((l) => l.userid === 'liuzong');
    expect(warnings.map((l) => [l.level, l.list])).toEqual([
      [40, 'customers'],
      [40, 'groupchats'],
    ]);
    expect(warnings[0].fix).toMatch(/Add member liuzong .*to the visible range at "App Management/);

    // The doctor asks WeCom again about the refused employee and names them with the fix …
    const report = await diagnose();
    const check = report.checks.find((c) => c.id === 'customer-contact')!;
    expect(check).toMatchObject({ status: 'warn', errcode: 60011 });
    expect(check.summary.en).toContain('liuzong');
    expect(check.fix!.zh).toMatch(/可见范围.*liuzong|liuzong.*可见范围/);
    expect(check.fix!.en).toContain('Visible Range');
  });

  it('should read their customers once an admin adds them, and the doctor forgets them', async () => {
    const token = await gateway.login('liuzong');
    simulator.org.updateMember('liuzong', { department: [2] }); // 销售部: inside the range
    const answer = await gateway.request<{ contacts: unknown[] }>('GET', '/api/external-contacts', {
      token,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.contacts.length).toBeGreaterThan(0);
    ahead += 60_000; // past the diagnostics' reuse window
    const check = (await diagnose()).checks.find((c) => c.id === 'customer-contact')!;
    expect(check.status).toBe('ok');
  });
});
