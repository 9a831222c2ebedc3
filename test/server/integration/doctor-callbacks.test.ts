import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDoctor } from '../../../server/src/admin/doctor';
import type { DoctorCheck, DoctorDeps } from '../../../server/src/admin/doctor/types';
import { formatReport } from '../../../server/src/admin/report-format';
import type { Simulator } from '../../../server/src/sandbox';
import { createWecomHttp } from '../../../server/src/wecom/http';
import { createWecomProbe } from '../../../server/src/wecom/probe';
import { APP_CALLBACK, DIRECTORY_CALLBACK } from '../../helpers/callbacks';
import { startTestGateway, type TestGateway } from '../../helpers/gateway';
import { freePort } from '../../helpers/redis-process';
import { startTestSimulator } from '../../helpers/simulator';
import { silentLogger } from '../../helpers/stores';

// callback:app and callback:directory against a real gateway: the self-test sends the WeCom admin's
// verification request to PUBLIC_BASE_URL and judges the answer.
jest.setTimeout(30_000);

let simulator: Simulator;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startTestSimulator();
  // Only the app receiver is configured on this gateway.
  gateway = await startTestGateway({
    simulator,
    env: {
      WECOM_APP_CALLBACK_TOKEN: APP_CALLBACK.token,
      WECOM_APP_CALLBACK_AES_KEY: APP_CALLBACK.encodingAesKey,
    },
  });
});

afterAll(async () => {
  await gateway?.close();
});

async function callbackChecks(
  callbacks: DoctorDeps['callbacks'],
  sandbox = false,
): Promise<{ app: DoctorCheck; directory: DoctorCheck; text: string }> {
  const wecom = simulator.wecomConfig();
  const http = createWecomHttp({ apiBase: wecom.apiBase, timeoutMs: 2000, logger: silentLogger() });
  try {
    const report = await createDoctor({
      probe: createWecomProbe({ http, wecom }),
      wecom,
      probeUserIds: ['lisi'],
      store: { redis: { keyPrefix: 'doctor-callbacks:' }, sandbox },
      callbacks,
    }).run();
    const byId = (id: string) => report.checks.find((check) => check.id === id)!;
    const text = formatReport(report);
    for (const secret of [APP_CALLBACK, DIRECTORY_CALLBACK].flatMap((k) => Object.values(k))) {
      expect(text).not.toContain(secret);
      expect(JSON.stringify(report)).not.toContain(secret);
    }
    return { app: byId('callback:app'), directory: byId('callback:directory'), text };
  } finally {
    await http.close();
  }
}

describe('doctor: callbacks', () => {
  it('passes the self-test against the gateway and says what to enter in the console', async () => {
    const { app, text } = await callbackChecks({
      keys: { app: APP_CALLBACK },
      publicBaseUrl: gateway.url,
    });
    expect(app.status).toBe('ok');
    expect(app.summary.en).toContain(
      `GET ${gateway.url}/wecom/callback/app answered the decrypted echostr`,
    );
    expect(app.summary.en).toContain('WECOM_APP_CALLBACK_TOKEN');
    expect(app.summary.zh).toContain('接收消息 → 设置API接收');
    expect(app.summary.zh).toContain('客户助手');
    expect(text).toContain('callback:app');
  });

  it('fails naming the Token when the server answering the URL has another one', async () => {
    const { app } = await callbackChecks({
      keys: { app: { ...APP_CALLBACK, token: DIRECTORY_CALLBACK.token } },
      publicBaseUrl: gateway.url,
    });
    expect(app.status).toBe('fail');
    expect(app.summary.en).toContain('→ 401');
    expect(app.fix!.en).toContain('WECOM_APP_CALLBACK_TOKEN');
    expect(app.fix!.zh).toContain('WECOM_APP_CALLBACK_TOKEN');
  });

  it('fails naming the EncodingAESKey when it differs', async () => {
    const { app } = await callbackChecks({
      keys: { app: { ...APP_CALLBACK, encodingAesKey: DIRECTORY_CALLBACK.encodingAesKey } },
      publicBaseUrl: gateway.url,
    });
    expect(app.status).toBe('fail');
    expect(app.summary.en).toContain('→ 400');
    expect(app.fix!.en).toContain('WECOM_APP_CALLBACK_AES_KEY');
  });

  it('fails with the reverse-proxy fix when the receiver is not there (404)', async () => {
    const { directory } = await callbackChecks({
      keys: { directory: DIRECTORY_CALLBACK },
      publicBaseUrl: gateway.url,
    });
    expect(directory.status).toBe('fail');
    expect(directory.summary.en).toContain('/wecom/callback/directory → 404');
    expect(directory.fix!.en).toContain('reverse proxy');
  });

  it('names the path under PUBLIC_BASE_URL’s prefix that the proxy must forward', async () => {
    const { app } = await callbackChecks({
      keys: { app: APP_CALLBACK },
      publicBaseUrl: `${gateway.url}/gate`,
    });
    expect(app.status).toBe('fail');
    expect(app.summary.en).toContain(`GET ${gateway.url}/gate/wecom/callback/app → 404`);
    expect(app.fix!.en).toContain('forwards /gate/wecom/callback/ to this server, path unchanged');
    expect(app.fix!.zh).toContain('把 /gate/wecom/callback/ 原样转发到本服务');
  });

  it('fails when the public URL cannot be reached, and when it answers something else', async () => {
    const port = await freePort();
    const unreachable = await callbackChecks({
      keys: { app: APP_CALLBACK },
      publicBaseUrl: `http://127.0.0.1:${port}`,
    });
    expect(unreachable.app.status).toBe('fail');
    expect(unreachable.app.fix!.en).toContain('DNS');
    const other = createServer((_request, response) => response.end('"success"\n'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { app } = await callbackChecks({
        keys: { app: APP_CALLBACK },
        publicBaseUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}`,
      });
      expect(app.status).toBe('fail');
      expect(app.summary.en).toContain('not the bare decrypted echostr');
    } finally {
      other.close();
    }
  });

  it('warns when not configured, with the console path and the keys to set', async () => {
    const { app, directory } = await callbackChecks({ keys: {} });
    expect(app.status).toBe('warn');
    expect(app.fix!.zh).toContain('接收消息 → 设置API接收');
    expect(app.fix!.en).toContain('WECOM_APP_CALLBACK_AES_KEY');
    expect(directory.status).toBe('skipped');
    expect(directory.fix!.zh).toContain('管理工具 → 通讯录同步 → 设置接收事件服务器');
  });

  it('warns without PUBLIC_BASE_URL outside sandbox mode, is ok inside it', async () => {
    const production = await callbackChecks({ keys: { app: APP_CALLBACK } });
    expect(production.app.status).toBe('warn');
    expect(production.app.fix!.en).toContain('PUBLIC_BASE_URL');
    const sandbox = await callbackChecks({ keys: { app: APP_CALLBACK } }, true);
    expect(sandbox.app.status).toBe('ok');
  });
});
