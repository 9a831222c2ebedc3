import { randomUUID } from 'node:crypto';
import type { Simulator } from '../../../server/src/sandbox';
import { customerId, groupChatId } from '../../../server/src/sandbox';
import {
  APP_CALLBACK,
  CALLBACK_ENV,
  DIRECTORY_CALLBACK,
  eventually,
} from '../../helpers/callbacks';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { expectIncreasing } from '../../helpers/stores';

// Two gateway instances on one Redis (one key prefix, each with its own connections, memos and
// subscription), the simulator pushing events to them over HTTP as WeCom does.
jest.setTimeout(30_000);

let simulator: Simulator;
let a: TestGateway;
let b: TestGateway;

const ADMIN_TOKEN = 'callbacks-test-admin-token-0123456789';
const env = {
  ...CALLBACK_ENV,
  CACHE_TTL_SECONDS: '3600',
  ADMIN_TOKEN,
};

beforeAll(async () => {
  simulator = await startTestSimulator({
    callbackDeadlineMs: 2000,
    callbackRetryDelayMs: 50,
    callbackVerifyDeadlineMs: 2000,
  });
  const prefix = `test:${randomUUID()}:`;
  [a, b] = await Promise.all([
    startTestGateway({ simulator, prefix, env }),
    startTestGateway({ simulator, prefix, env }),
  ]);
  await Promise.all([a, b].map((g) => g.deps.contacts.invalidation.listening));
  const app = await simulator.registerCallback('app', {
    url: `${a.url}/wecom/callback/app`,
    ...APP_CALLBACK,
  });
  const directory = await simulator.registerCallback('directory', {
    url: `${b.url}/wecom/callback/directory`,
    ...DIRECTORY_CALLBACK,
  });
  expect([app, directory]).toEqual([
    { verified: true, status: 200 },
    { verified: true, status: 200 },
  ]);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

interface EventsBody {
  events: {
    seq: string;
    receiver: string;
    event: string;
    changeType?: string;
    ids: object;
    effect: string;
  }[];
  next: string | null;
}

async function events(gateway: TestGateway, after = '0') {
  const answer = await gateway.request<EventsBody>(
    'GET',
    `/api/admin/events?after=${after}&limit=500`,
    admin,
  );
  expect(answer.status).toBe(200);
  return answer.body.events;
}

const lastSeq = async () => (await events(a)).at(-1)?.seq ?? '0';

describe('the console’s URL verification', () => {
  it('succeeds against either instance, for each receiver', async () => {
    for (const gateway of [a, b]) {
      expect(
        await simulator.registerCallback('app', {
          url: `${gateway.url}/wecom/callback/app`,
          ...APP_CALLBACK,
        }),
      ).toEqual({ verified: true, status: 200 });
    }
    expect(
      await simulator.registerCallback('directory', {
        url: `${a.url}/wecom/callback/directory`,
        ...DIRECTORY_CALLBACK,
      }),
    ).toEqual({ verified: true, status: 200 });
    // Back to the set-up of the other tests.
    await simulator.registerCallback('app', {
      url: `${a.url}/wecom/callback/app`,
      ...APP_CALLBACK,
    });
    await simulator.registerCallback('directory', {
      url: `${b.url}/wecom/callback/directory`,
      ...DIRECTORY_CALLBACK,
    });
  });

  it('fails as in the console with another receiver’s Token or key, or an unknown receiver', async () => {
    const wrongToken = await simulator.registerCallback('app', {
      url: `${a.url}/wecom/callback/app`,
      ...APP_CALLBACK,
      token: DIRECTORY_CALLBACK.token,
    });
    expect(wrongToken).toMatchObject({ verified: false, status: 401 });
    const wrongKey = await simulator.registerCallback('app', {
      url: `${a.url}/wecom/callback/app`,
      ...APP_CALLBACK,
      encodingAesKey: DIRECTORY_CALLBACK.encodingAesKey,
    });
    expect(wrongKey).toMatchObject({ verified: false, status: 400 });
    const unknown = await simulator.registerCallback('app', {
      url: `${a.url}/wecom/callback/customer`,
      ...APP_CALLBACK,
    });
    expect(unknown).toMatchObject({ verified: false, status: 404 });
    // A failed verification keeps the URL that was saved before (as the WeCom admin does).
    await simulator.registerCallback('app', {
      url: `${a.url}/wecom/callback/app`,
      ...APP_CALLBACK,
    });
  });

  it('refuses a verification request with its parameters missing (400)', async () => {
    const answer = await a.request('GET', '/wecom/callback/app?msg_signature=x');
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body).code).toBe('guard.invalid_input');
  });
});

describe('events from the simulator', () => {
  it('make a customer removed from lisi contact.not_followed for lisi on both instances within 1 s (cache TTL an hour)', async () => {
    const id = customerId(7); // followed by zhangsan and lisi
    const lisi = await a.login('lisi');
    const zhangsan = await a.login('zhangsan');
    // Cached in the store and in both instances' memos.
    for (const gateway of [a, b])
      expect(
        (await gateway.request('GET', `/api/external-contacts/${id}`, { token: lisi })).status,
      ).toBe(200);
    simulator.resetCalls();
    const [delivery] = await simulator.removeFollower(id, 'lisi');
    expect(delivery).toMatchObject({ delivered: true, attempts: [{ outcome: 200 }] });
    for (const gateway of [a, b]) {
      const answer = await eventually(
        () => gateway.request('GET', `/api/external-contacts/${id}`, { token: lisi }),
        (response) => response.status === 403,
      );
      expect(answer.status).toBe(403);
      expect(errorBody(answer.body).code).toBe('contact.not_followed');
      const other = await gateway.request('GET', `/api/external-contacts/${id}`, {
        token: zhangsan,
      });
      expect(other.status).toBe(200);
    }
    // Re-read from WeCom once, then cached again for everyone.
    expect(simulator.calls('externalcontact/get')).toBe(1);
    const recorded = (await events(b)).filter((e) => e.event === 'change_external_contact');
    expect(recorded.at(-1)).toMatchObject({
      receiver: 'app',
      changeType: 'del_external_contact',
      ids: { userId: 'lisi', externalUserId: id },
      effect: 'customer_dropped',
    });
  });

  it('make a dismissed group groupchat.not_found on both instances within 1 s', async () => {
    const chatId = groupChatId(6);
    const chenjing = await b.login('chenjing');
    for (const gateway of [a, b])
      expect(
        (await gateway.request('GET', `/api/group-chats/${chatId}`, { token: chenjing })).status,
      ).toBe(200);
    await simulator.dismissGroup(chatId);
    for (const gateway of [a, b]) {
      const answer = await eventually(
        () => gateway.request('GET', `/api/group-chats/${chatId}`, { token: chenjing }),
        (response) => response.status === 404,
      );
      expect(errorBody(answer.body).code).toBe('groupchat.not_found');
    }
    expect((await events(a)).at(-1)).toMatchObject({
      event: 'change_external_chat',
      changeType: 'dismiss',
      ids: { chatId },
      effect: 'group_dropped',
    });
  });

  it('end every session of a deleted employee on both instances within 1 s', async () => {
    const tokens = [await a.login('wangwu'), await b.login('wangwu')];
    const unaffected = await a.login('zhaoliu');
    for (const gateway of [a, b])
      for (const token of tokens)
        expect((await gateway.request('GET', '/api/me', { token })).status).toBe(200);
    const [delivery] = await simulator.deleteEmployee('wangwu');
    expect(delivery?.delivered).toBe(true);
    for (const gateway of [a, b])
      for (const token of tokens) {
        const answer = await eventually(
          () => gateway.request('GET', '/api/me', { token }),
          (response) => response.status === 401,
        );
        expect(errorBody(answer.body).code).toBe('auth.session_expired');
      }
    expect((await a.request('GET', '/api/me', { token: unaffected })).status).toBe(200);
    expect((await events(a)).at(-1)).toMatchObject({
      receiver: 'directory',
      event: 'change_contact',
      changeType: 'delete_user',
      ids: { userId: 'wangwu' },
      effect: 'sessions_ended+handed_off',
    });
  });

  it('end the sessions of an employee whose userid changed (update_user with NewUserID)', async () => {
    const token = await a.login('zhouba');
    await simulator.pushEvent('directory', {
      Event: 'change_contact',
      ChangeType: 'update_user',
      UserID: 'zhouba',
      NewUserID: 'zhouba2',
    });
    const answer = await b.request('GET', '/api/me', { token });
    expect(errorBody(answer.body).code).toBe('auth.session_expired');
  });

  it('apply a delivery repeated five times once', async () => {
    const after = await lastSeq();
    const deliveries = await simulator.pushEvent(
      'app',
      {
        Event: 'change_external_contact',
        ChangeType: 'edit_external_contact',
        UserID: 'zhangsan',
        ExternalUserID: customerId(4),
      },
      { copies: 5 },
    );
    expect(deliveries?.map((d) => d.attempts.map((attempt) => attempt.outcome))).toEqual(
      Array(5).fill([200]),
    );
    const applied = (await events(a, after)).filter(
      (e) => e.changeType === 'edit_external_contact',
    );
    expect(applied).toHaveLength(1);
    const metrics = (await a.request<string>('GET', '/metrics')).text;
    expect(metrics).toMatch(/wecom_callbacks_total\{receiver="app",outcome="duplicate"\} 4/);
  });

  it('record events that change nothing, and hand the directory’s changes to the org store', async () => {
    const after = await lastSeq();
    await simulator.pushEvent('app', { Event: 'subscribe', UserID: 'lisi' });
    await simulator.pushEvent('directory', {
      Event: 'change_contact',
      ChangeType: 'create_party',
      Id: '8',
      ParentId: '1',
    });
    expect((await events(b, after)).map((e) => [e.event, e.effect])).toEqual([
      ['subscribe', 'none'],
      ['change_contact', 'handed_off'],
    ]);
  });
});

describe('GET /api/admin/events', () => {
  it('pages with after/limit and next, oldest first', async () => {
    const all = await events(a);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = await a.request<EventsBody>('GET', '/api/admin/events?limit=2', admin);
    expect(first.body.events.map((e) => e.seq)).toEqual(all.slice(0, 2).map((e) => e.seq));
    expect(first.body.next).toBe(all[1]!.seq);
    const rest = await a.request<EventsBody>(
      'GET',
      `/api/admin/events?after=${first.body.next}&limit=500`,
      admin,
    );
    expect(rest.body.events.map((e) => e.seq)).toEqual(all.slice(2).map((e) => e.seq));
    expect(rest.body.next).toBeNull();
    expectIncreasing(all.map((e) => e.seq));
  });

  it('reads newest first and keeps only one receiver or one event when asked', async () => {
    const all = await events(a);
    const newest = await a.request<EventsBody>(
      'GET',
      '/api/admin/events?order=desc&limit=2',
      admin,
    );
    expect(newest.body).toEqual({ events: all.slice(-2).reverse(), next: all.at(-2)!.seq });
    const older = await a.request<EventsBody>(
      'GET',
      `/api/admin/events?order=desc&before=${newest.body.next}&limit=500`,
      admin,
    );
    expect(older.body).toEqual({ events: all.slice(0, -2).reverse(), next: null });

    const directory = await a.request<EventsBody>(
      'GET',
      '/api/admin/events?receiver=directory',
      admin,
    );
    expect(directory.body.events).toEqual(all.filter((e) => e.receiver === 'directory'));
    expect(directory.body.events.length).toBeGreaterThan(0);
    const contact = await a.request<EventsBody>(
      'GET',
      '/api/admin/events?order=desc&event=change_external_contact&receiver=app',
      admin,
    );
    expect(contact.body.events).toEqual(
      all.filter((e) => e.event === 'change_external_contact' && e.receiver === 'app').reverse(),
    );
    expect(contact.body.events.length).toBeGreaterThan(0);
  });

  it('is for admins only and checks its query', async () => {
    expect((await a.request('GET', '/api/admin/events')).status).toBe(401);
    const employee = await a.login('zhangsan');
    expect((await a.request('GET', '/api/admin/events', { token: employee })).status).toBe(403);
    expect((await a.request('GET', '/api/admin/events?limit=0', admin)).status).toBe(400);
    for (const query of [
      'after=-1',
      'after=abc',
      'after=1-2-3',
      'after=1234567890123456-0',
      'before=1-0',
      'order=desc&after=1-0',
      'order=sideways',
      'limit=501',
      'receiver=elsewhere',
      'event=%3Cscript%3E',
    ]) {
      const answer = await a.request<{ code: string }>('GET', `/api/admin/events?${query}`, admin);
      expect({ query, status: answer.status, code: answer.body.code }).toEqual({
        query,
        status: 400,
        code: 'guard.invalid_input',
      });
    }
  });
});
