import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Simulator } from '../../../server/src/sandbox';
import { customerId } from '../../../server/src/sandbox';
import { createJobConnection } from '../../../server/src/stores/job-connection';
import { HOME_SCOPE } from '../../../server/src/stores/job-queue';
import { createRedisHealth } from '../../../server/src/stores/redis-health';
import type { Store } from '../../../server/src/stores/store';
import {
  createWebhookJobs,
  createWebhooks,
  createWebhookTransport,
  eventsSource,
  orgSource,
  type WebhookJobs,
  type Webhooks,
  type WebhookTransport,
} from '../../../server/src/webhooks';
import { APP_CALLBACK, CALLBACK_ENV, eventually } from '../../helpers/callbacks';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import {
  createTestRedisStore,
  expectIncreasing,
  silentLogger,
  testRedisUrl,
} from '../../helpers/stores';
import { startReceiver, type TestReceiver } from '../../helpers/webhook-receiver';

// Webhooks end to end: a gateway on the test Redis, real receivers on loopback that verify each
// request with the `standardwebhooks` package. Loopback receivers need
// WEBHOOK_ALLOW_PRIVATE_NETWORKS=true; the SSRF cases run with it off.
jest.setTimeout(30_000);

const ADMIN_TOKEN = 'webhooks-test-admin-token-0123456789';
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
const FAST = { allowHttp: true, pollMs: 30, sweepMs: 300, backoffMs: [40, 40, 40] };

let simulator: Simulator;
let gateway: TestGateway;
const receivers: TestReceiver[] = [];

beforeAll(async () => {
  simulator = await startTestSimulator({ callbackDeadlineMs: 2000, callbackRetries: 0 });
  gateway = await startTestGateway({
    simulator,
    env: { ...CALLBACK_ENV, ADMIN_TOKEN, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
    webhooks: FAST,
  });
  const app = await simulator.registerCallback('app', {
    url: `${gateway.url}/wecom/callback/app`,
    ...APP_CALLBACK,
  });
  expect(app.verified).toBe(true);
});

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await gateway?.close();
});

async function receiver(): Promise<TestReceiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

interface Created {
  id: string;
  secret: string;
  url: string;
}

async function createEndpoint(
  target: TestReceiver,
  events: string[] = ['org.member.updated', 'customer.changed'],
  extra: Record<string, unknown> = {},
): Promise<Created> {
  const answer = await gateway.request<Created>('POST', '/api/admin/webhooks', {
    ...admin,
    body: { url: target.url, events, ...extra },
  });
  expect(answer.status).toBe(201);
  target.secret = answer.body.secret;
  return answer.body;
}

let counter = 0;
const memberChange = () => ({
  kind: 'member' as const,
  op: 'updated' as const,
  id: `member${++counter}`,
  at: new Date().toISOString(),
  before: { name: 'old' },
  after: { name: `new${counter}` },
});
const customerEvent = (n: number) => ({
  at: new Date().toISOString(),
  receiver: 'app' as const,
  event: 'change_external_contact',
  changeType: 'edit_external_contact',
  ids: { userId: 'zhangsan', externalUserId: customerId(n) },
  effect: 'customer_dropped',
});

const until = <T>(check: () => T, done: (value: T) => boolean, withinMs = 5000) =>
  eventually(async () => check(), done, withinMs);

describe('endpoints and signed deliveries', () => {
  it('deliver the feed records in order, signed so that standardwebhooks verifies them, with their seq', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(target);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const shown = await gateway.request('GET', `/api/admin/webhooks/${endpoint.id}`, admin);
    expect(shown.text).not.toContain(endpoint.secret);

    const org = await gateway.deps.org.feed.append([memberChange(), memberChange()]);
    const events = await gateway.deps.callbacks.eventsLog.append([customerEvent(1)]);
    // Passed over: a record of a type the endpoint did not ask for.
    await gateway.deps.org.feed.append([{ ...memberChange(), op: 'deleted' }]);
    const org2 = await gateway.deps.org.feed.append([memberChange()]);

    await until(
      () => target.received.length,
      (n) => n >= 4,
    );
    expect(target.rejected).toBe(0);
    expect(target.received.map((m) => [m.type, m.data.seq])).toEqual([
      ['org.member.updated', org[0]!.seq],
      ['org.member.updated', org[1]!.seq],
      ['customer.changed', events[0]!.seq],
      ['org.member.updated', org2[0]!.seq],
    ]);
    expect(target.received[0]!.id).toBe(`msg_org_${org[0]!.seq}`);
    expect(target.received[2]!.data).toMatchObject({ event: 'change_external_contact' });

    // The attempts are kept with the lane's position, once the batch is through.
    const deliveries = await eventually(
      () =>
        gateway.request<{ deliveries: { ok: boolean; status: number }[] }>(
          'GET',
          `/api/admin/webhooks/${endpoint.id}/deliveries?order=desc`,
          admin,
        ),
      (answer) => answer.body.deliveries.length >= 4,
      5000,
    );
    expect(deliveries.body.deliveries).toHaveLength(4);
    expect(deliveries.body.deliveries.every((d) => d.ok && d.status === 204)).toBe(true);
  });

  it('give a receiver that fails and then recovers each record once and in order', async () => {
    const target = await receiver();
    const failed = new Set<string>();
    // Each record fails twice before it is taken.
    target.answer = (message) => {
      const tries = [...failed].filter((key) => key.startsWith(message.id)).length;
      if (tries < 2) {
        failed.add(`${message.id}#${tries}`);
        return 503;
      }
      return 200;
    };
    await createEndpoint(target);
    const written = await gateway.deps.org.feed.append([
      memberChange(),
      memberChange(),
      memberChange(),
    ]);
    await until(
      () => target.received.length,
      (n) => n >= 9,
    );
    const accepted = target.received.filter((_m, i) => i % 3 === 2).map((m) => m.data.seq);
    expect(accepted).toEqual(written.map((w) => w.seq));
    // The order of every attempt: a record is never tried before the one ahead of it is taken.
    expectIncreasing([...new Set(target.received.map((m) => m.data.seq!))]);
  });

  it('disable an endpoint whose retries run out, say so in the doctor, and resume when enabled again', async () => {
    const target = await receiver();
    target.answer = () => 500;
    const endpoint = await createEndpoint(target);
    const [record] = await gateway.deps.org.feed.append([memberChange()]);
    const disabled = await eventually(
      async () =>
        (
          await gateway.request<{ enabled: boolean; disabled?: { reason: string } }>(
            'GET',
            `/api/admin/webhooks/${endpoint.id}`,
            admin,
          )
        ).body,
      (body) => body.disabled !== undefined,
      5000,
    );
    expect(disabled).toMatchObject({ enabled: false, disabled: { reason: 'failing' } });
    // The first attempt and the three retries of FAST.backoffMs.
    expect(target.received).toHaveLength(4);

    const report = await gateway.request<{
      checks: { id: string; status: string; summary: { zh: string } }[];
    }>('GET', '/api/admin/diagnostics', admin);
    const check = report.body.checks.find((c) => c.id === 'webhooks');
    expect(check?.status).toBe('warn');
    expect(check?.summary.zh).toContain(target.url);

    target.answer = () => 200;
    const enabled = await gateway.request('PATCH', `/api/admin/webhooks/${endpoint.id}`, {
      ...admin,
      body: { enabled: true },
    });
    expect(enabled.status).toBe(200);
    await until(
      () => target.received.length,
      (n) => n >= 5,
    );
    expect(target.received.at(-1)!.data.seq).toBe(record!.seq);
  });

  it('sign with the old secret beside the new one after a rotation', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(target, ['customer.changed']);
    const old = endpoint.secret;
    const rotated = await gateway.request<{ secret: string; previousValidUntil: string }>(
      'POST',
      `/api/admin/webhooks/${endpoint.id}/rotate-secret`,
      admin,
    );
    expect(rotated.body.secret).not.toBe(old);
    expect(Date.parse(rotated.body.previousValidUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    // The receiver still has the old secret: the ping verifies with it, and with the new one.
    const ping = await gateway.request<{ attempt: { ok: boolean; type: string } }>(
      'POST',
      `/api/admin/webhooks/${endpoint.id}/test`,
      admin,
    );
    expect(ping.body.attempt).toMatchObject({ ok: true, type: 'ping' });
    const [message] = target.received;
    expect(message!.signature.split(' ')).toHaveLength(2);
    target.secret = rotated.body.secret;
    await gateway.request('POST', `/api/admin/webhooks/${endpoint.id}/test`, admin);
    expect(target.rejected).toBe(0);
    expect(target.received).toHaveLength(2);
  });

  it('resend a delivery with the same webhook-id', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(target);
    const [record] = await gateway.deps.callbacks.eventsLog.append([customerEvent(2)]);
    await until(
      () => target.received.length,
      (n) => n >= 1,
    );
    const id = `msg_events_${record!.seq}`;
    const resent = await gateway.request<{ attempt: { trigger: string; ok: boolean } }>(
      'POST',
      `/api/admin/webhooks/${endpoint.id}/deliveries/${id}/resend`,
      admin,
    );
    expect(resent.body.attempt).toMatchObject({ trigger: 'resend', ok: true });
    expect(target.received.map((m) => m.id)).toEqual([id, id]);
    const unknown = await gateway.request(
      'POST',
      `/api/admin/webhooks/${endpoint.id}/deliveries/msg_events_1-0/resend`,
      admin,
    );
    expect(errorBody(unknown.body).code).toBe('webhook.not_found');
  });

  it('start with a backfill from a feed position', async () => {
    const [first, second] = await gateway.deps.org.feed.append([memberChange(), memberChange()]);
    const target = await receiver();
    await createEndpoint(target, ['org.member.updated'], { from: first!.seq });
    await until(
      () => target.received.length,
      (n) => n >= 1,
    );
    expect(target.received[0]!.data.seq).toBe(second!.seq);
  });

  it('answer a callback while a receiver hangs', async () => {
    const target = await receiver();
    target.answer = () => 'hang';
    await createEndpoint(target, ['customer.changed']);
    const push = (n: number) =>
      simulator.pushEvent('app', {
        Event: 'change_external_contact',
        ChangeType: 'edit_external_contact',
        UserID: 'zhangsan',
        ExternalUserID: customerId(n),
        State: randomUUID(),
      });
    await push(5);
    await until(
      () => target.received.length,
      (n) => n >= 1,
    );
    // The receiver holds the first delivery unanswered: the next callback is answered regardless.
    const [delivery] = (await push(6))!;
    expect(delivery!.attempts.map((attempt) => attempt.outcome)).toEqual([200]);
    expect(target.received).toHaveLength(1);
  });

  it('answer webhook.limit_reached for an endpoint past the 100th, and take one again after a delete', async () => {
    const { webhooks } = gateway.deps;
    const added: string[] = [];
    try {
      for (let n = (await webhooks.list()).length; n < 100; n++)
        added.push(
          (await webhooks.create({ url: 'http://127.0.0.1:9/full', events: [], enabled: false }))
            .id,
        );
      const body = { url: 'http://127.0.0.1:9/one-more', events: ['customer.changed'] };
      const refused = await gateway.request('POST', '/api/admin/webhooks', { ...admin, body });
      expect(refused.status).toBe(409);
      expect(errorBody(refused.body).code).toBe('webhook.limit_reached');
      await webhooks.remove(added.pop()!);
      const taken = await gateway.request<Created>('POST', '/api/admin/webhooks', {
        ...admin,
        body,
      });
      expect(taken.status).toBe(201);
      added.push(taken.body.id);
    } finally {
      for (const id of added) await webhooks.remove(id);
    }
  });
});

describe('URLs that may not be reached (WEBHOOK_ALLOW_PRIVATE_NETWORKS off)', () => {
  let guarded: TestGateway;
  beforeAll(async () => {
    guarded = await startTestGateway({ simulator, env: { ADMIN_TOKEN }, webhooks: FAST });
  });
  afterAll(() => guarded?.close());

  const create = (url: string) =>
    guarded.request('POST', '/api/admin/webhooks', {
      ...admin,
      body: { url, events: ['customer.changed'] },
    });

  it.each([
    'http://127.0.0.1:9/hook',
    'http://[::1]:9/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/hook',
    'http://100.100.100.200/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:9/hook',
  ])('refuse %s', async (url) => {
    const answer = await create(url);
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).code).toBe('webhook.url_not_allowed');
  });

  it('refuse http outside sandbox mode', async () => {
    const strict = await startTestGateway({ simulator, env: { ADMIN_TOKEN } });
    try {
      const answer = await strict.request('POST', '/api/admin/webhooks', {
        ...admin,
        body: { url: 'http://example.com/hook', events: ['customer.changed'] },
      });
      expect(errorBody(answer.body).code).toBe('webhook.url_not_allowed');
    } finally {
      await strict.close();
    }
  });
});

describe('two instances', () => {
  let store: Store;
  const instances: Webhooks[] = [];
  const engines: WebhookJobs[] = [];
  const transports: WebhookTransport[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await Promise.all(engines.map((engine) => engine.close()));
    await Promise.all(transports.map((transport) => transport.close()));
    await store?.close();
  });

  it('deliver each record once across the cluster, in order', async () => {
    const prefix = `test:${randomUUID()}:`;
    store = await createTestRedisStore({ prefix });
    const directoryFeed = gateway.deps.org.feed;
    const eventsLog = gateway.deps.callbacks.eventsLog;
    // Both instances read the gateway's feeds (another prefix: the feeds are the gateway's).
    for (let i = 0; i < 2; i++) {
      // Each instance's webhook jobs (its process's, shared by the corps it would serve).
      const jobs = createWebhookJobs({
        connect: () => {
          const redis = { url: testRedisUrl(), keyPrefix: prefix };
          return createJobConnection(redis, createRedisHealth(redis, silentLogger()));
        },
        prefix: `{${prefix}jobs}`,
        logger: silentLogger(),
      });
      engines.push(jobs);
      const transport = createWebhookTransport({ allowPrivateNetworks: true });
      transports.push(transport);
      instances.push(
        createWebhooks({
          store,
          sources: [orgSource(directoryFeed), eventsSource(eventsLog)],
          logger: silentLogger(),
          allowPrivateNetworks: true,
          retentionDays: 30,
          engine: { kind: 'queue', jobs, scope: HOME_SCOPE },
          tuning: { ...FAST, pollMs: 10 },
          transport,
        }),
      );
      jobs.start();
    }
    const target = await receiver();
    const created = await instances[0]!.create({ url: target.url, events: ['org.member.updated'] });
    target.secret = created.secret;
    const written: string[] = [];
    for (let i = 0; i < 5; i++) {
      const batch = await directoryFeed.append(Array.from({ length: 6 }, memberChange));
      written.push(...batch.map((r) => r.seq));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await until(
      () => target.received.length,
      (n) => n >= written.length,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.received.map((m) => m.data.seq)).toEqual(written);
  });
});

describe('the verifying receiver', () => {
  it('refuses a request signed with another secret', async () => {
    const target = await receiver();
    target.secret = `whsec_${Buffer.from('another secret of 24 bytes!').toString('base64')}`;
    const signer = new Webhook(
      `whsec_${Buffer.from('the endpoint secret 24 byte').toString('base64')}`,
    );
    const body = JSON.stringify({ type: 'ping', timestamp: new Date().toISOString(), data: {} });
    const now = new Date();
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign('msg_x', now, body),
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(target.rejected).toBe(1);
  });
});
