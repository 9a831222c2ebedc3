import type { LoginContext, LoginResponse, MeResponse } from '../../../miniprogram/typings/api';
import { customerId, groupChatId, type Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

// POST /api/sessions {code, context}: the sidebar's customer or group comes with the session, in
// one request, authorized for the employee the code belongs to. Real HTTP, simulator, Redis.

const DETAIL = 'externalcontact/get';
const GROUP = 'externalcontact/groupchat/get';

let simulator: Simulator;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({ simulator });
});
afterAll(() => gateway.close());
beforeEach(async () => {
  simulator.clearFaults();
  simulator.resetCalls();
  // Every case reads WeCom, not a detail another case left in the cache.
  for (const n of [1, 2, 29]) await gateway.deps.contacts.customers.forget(customerId(n));
  for (const n of [1, 2]) await gateway.deps.contacts.groupChats.forget(groupChatId(n));
});

const login = (userid: string, context?: LoginContext) =>
  gateway.request<LoginResponse>('POST', '/api/sessions', {
    body: { code: simulator.issueLoginCode(userid), context },
  });
const single = (n: number): LoginContext => ({
  entry: 'single_chat_tools',
  externalUserId: customerId(n),
});

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('POST /api/sessions with a context', () => {
  it('should answer the session and the customer in one response', async () => {
    const answer = await login('zhangsan', single(1));
    expect(answer.status).toBe(201);
    expect(answer.body.user.userid).toBe('zhangsan');
    expect(answer.body.context).toMatchObject({
      externalContact: { externalUserId: customerId(1), name: '陈晓明' },
      followUser: { userid: 'zhangsan' },
    });
    // The context is the same as the read it stands for.
    const read = await gateway.request('GET', `/api/external-contacts/${customerId(1)}`, {
      token: answer.body.token,
    });
    expect(answer.body.context).toEqual(read.body);
    expect(simulator.calls(DETAIL)).toBe(1);
  });

  it('should load the customer while the code is still being exchanged', async () => {
    simulator.injectFault({
      api: 'miniprogram/jscode2session',
      kind: 'latency',
      ms: 1500,
      times: 1,
    });
    let settled = false;
    const answer = login('zhangsan', single(2)).finally(() => {
      settled = true;
    });
    await until(() => simulator.calls(DETAIL) === 1);
    expect(settled).toBe(false);
    expect((await answer).body.context).toMatchObject({
      externalContact: { externalUserId: customerId(2) },
    });
  });

  it('should never send a customer the employee does not follow, and still log in', async () => {
    const answer = await login('zhangsan', single(29));
    expect(answer.status).toBe(201);
    expect(answer.body.context).toEqual({
      error: { code: 'contact.not_followed', message: expect.any(String) },
    });
    expect(answer.text).not.toContain('externalContact');
    expect(answer.text).not.toContain('followUser');
    const me = await gateway.request<MeResponse>('GET', '/api/me', { token: answer.body.token });
    expect(me.status).toBe(200);
  });

  it('should answer an unknown customer as the read would: contact.not_found', async () => {
    const answer = await login('zhangsan', single(99));
    expect(answer.status).toBe(201);
    expect(answer.body.context).toMatchObject({ error: { code: 'contact.not_found' } });
  });

  it('should answer the group of a group-chat sidebar, and never a group the employee is not in', async () => {
    const owner = await login('zhangsan', { entry: 'group_chat_tools', chatId: groupChatId(1) });
    expect(owner.body.context).toMatchObject({
      groupChat: { chatId: groupChatId(1), owner: 'zhangsan' },
    });
    const outsider = await login('lisi', { entry: 'group_chat_tools', chatId: groupChatId(2) });
    expect(outsider.status).toBe(201);
    expect(outsider.body.context).toMatchObject({ error: { code: 'groupchat.not_member' } });
    expect(outsider.text).not.toContain('members');
    expect(simulator.calls(GROUP)).toBe(2);
  });

  it('should log in when WeCom fails the context, with the error the read would answer', async () => {
    simulator.injectFault({ api: DETAIL, kind: 'drop', times: 10 });
    const answer = await login('zhangsan', {
      entry: 'contact_profile',
      externalUserId: customerId(1),
    });
    expect(answer.status).toBe(201);
    expect(answer.body.context).toMatchObject({ error: { code: 'wecom.unavailable' } });
    const me = await gateway.request('GET', '/api/me', { token: answer.body.token });
    expect(me.status).toBe(200);
  });

  it('should send no context when the login fails', async () => {
    const code = simulator.issueLoginCode('zhangsan');
    await gateway.request('POST', '/api/sessions', { body: { code } });
    const replay = await gateway.request<LoginResponse>('POST', '/api/sessions', {
      body: { code, context: single(1) },
    });
    expect(replay.status).toBe(401);
    expect(errorBody(replay.body).code).toBe('auth.invalid_code');
    expect(replay.text).not.toContain('externalContact');
  });

  it('should refuse a context that does not fit its entry', async () => {
    for (const context of [
      { entry: 'single_chat_tools', chatId: groupChatId(1) },
      { entry: 'group_chat_tools', externalUserId: customerId(1) },
      { entry: 'normal' },
      { entry: 'contact_profile', externalUserId: '../admin' },
    ]) {
      const answer = await gateway.request('POST', '/api/sessions', {
        body: { code: 'any-code', context },
      });
      expect(answer.status).toBe(400);
      expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    }
    expect(simulator.calls()).toBe(0);
  });

  it('should answer as before without a context', async () => {
    const answer = await login('zhangsan');
    expect(answer.status).toBe(201);
    expect(answer.body).not.toHaveProperty('context');
    expect(simulator.calls(DETAIL)).toBe(0);
  });
});
