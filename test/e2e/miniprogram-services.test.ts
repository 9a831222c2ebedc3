import { createServices, type Platform, type Services } from '../../miniprogram/services';
import { type SandboxServer, startSandboxServer } from '../helpers/sandbox-server';

// The mini-program's real services drive the real server (`npm start` in sandbox mode, a child
// process) over real HTTP with the test Redis. Only `wx` is stood in for: its `request` performs
// real HTTP, and `wx.qy.login` asks the sandbox for a login code, as WeCom would give one (the
// develop build's demo login through the pages is in miniprogram-pages.test.ts).

let server: SandboxServer;
let baseUrl: string;

/** A `wx` for Node: real HTTP, in-memory storage, a WeCom context the test controls. */
function nodeWx(context: {
  userid: string;
  entry: WechatMiniprogram.Qy.Entry;
  picked: string[];
  chatId: string;
  contactId: string;
}) {
  const storage = new Map<string, string>();
  const ok = { errMsg: 'ok' };
  const qy = {
    login: jest.fn((option: WechatMiniprogram.Qy.LoginOption) => {
      fetch(`${baseUrl}/sandbox/login-code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userid: context.userid }),
      })
        .then((response) => response.json() as Promise<{ code: string }>)
        .then(({ code }) => option.success?.({ ...ok, code }))
        .catch(() => option.fail?.({ errMsg: 'qy.login:fail' }));
    }),
    checkSession: jest.fn((option: WechatMiniprogram.Qy.CheckSessionOption) =>
      option.success?.(ok),
    ),
    getContext: jest.fn((option: WechatMiniprogram.Qy.GetContextOption) =>
      option.success?.({ ...ok, entry: context.entry }),
    ),
    selectExternalContact: jest.fn((option: WechatMiniprogram.Qy.SelectExternalContactOption) =>
      option.success?.({ ...ok, userIds: context.picked }),
    ),
    getCurExternalContact: jest.fn((option: WechatMiniprogram.Qy.GetCurExternalContactOption) =>
      option.success?.({ ...ok, userId: context.contactId }),
    ),
    getCurExternalChat: jest.fn((option: WechatMiniprogram.Qy.GetCurExternalChatOption) =>
      option.success?.({ ...ok, chatId: context.chatId }),
    ),
  };
  const wx = {
    request(option) {
      const isBody = option.method !== 'GET' && option.data !== undefined;
      fetch(option.url, {
        method: option.method,
        headers: option.header,
        body: isBody ? JSON.stringify(option.data) : undefined,
        signal: AbortSignal.timeout(option.timeout),
      })
        .then(async (response) => {
          const text = await response.text();
          option.success({ statusCode: response.status, data: text ? JSON.parse(text) : '' });
        })
        .catch((error: Error) => option.fail({ errMsg: `request:fail ${error.message}` }));
    },
    getSystemInfoSync: () => ({ environment: 'wxwork' }),
    // A release build: the login is wx.qy.login's, never the demo login.
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx-e2e', envVersion: 'release' } }),
    getStorageSync: (key) => storage.get(key) ?? '',
    setStorageSync: (key, value) => void storage.set(key, value),
    removeStorageSync: (key) => void storage.delete(key),
    navigateTo: () => undefined,
    redirectTo: () => undefined,
    reLaunch: () => undefined,
    stopPullDownRefresh: () => undefined,
    qy: qy as unknown as WechatMiniprogram.Qy.Qy,
  } satisfies Platform;
  return { wx, qy, storage };
}

beforeAll(async () => {
  server = await startSandboxServer();
  baseUrl = server.url;
}, 30_000);
afterAll(() => server.stop());

describe('mini-program services against the running server', () => {
  const context = {
    userid: 'zhangsan',
    entry: 'normal' as WechatMiniprogram.Qy.Entry,
    // one of zhangsan's customers, one of lisi's, and an id WeCom does not know
    picked: ['wmYsDemoCust01', 'wmYsDemoCust29', 'wmYsDemoCustUnknown'],
    chatId: 'wrYsDemoGroup01',
    contactId: 'wmYsDemoCust02',
  };
  let services: Services;
  let fake: ReturnType<typeof nodeWx>;

  beforeAll(() => {
    fake = nodeWx(context);
    services = createServices({ wx: fake.wx, baseUrl });
  });

  it('should log in with a sandbox code and know who is logged in', async () => {
    const me = await services.api.me();
    expect(me.user).toMatchObject({ userid: 'zhangsan', name: '张三' });
    expect(fake.qy.login).toHaveBeenCalledTimes(1);
  });

  it('should pick customers and sort them into mine, not mine and unknown', async () => {
    const ids = await services.gate.selectExternalContact();
    const answer = await services.api.lookupContacts(ids);
    expect(answer.contacts.map((contact) => contact.externalContact.externalUserId)).toEqual([
      'wmYsDemoCust01',
    ]);
    expect(answer.contacts[0]!.followUser.userid).toBe('zhangsan');
    expect(answer.denied).toEqual(['wmYsDemoCust29']);
    expect(answer.notFound).toEqual(['wmYsDemoCustUnknown']);
  });

  it('should open the customer of the current single chat', async () => {
    context.entry = 'single_chat_tools';
    const id = await services.gate.getCurExternalContact();
    const detail = await services.api.getContact(id);
    expect(detail.externalContact).toMatchObject({
      externalUserId: 'wmYsDemoCust02',
      type: 'wecom',
    });
    expect(detail.externalContact.corpName).toBeTruthy();
    expect(detail.followUser.userid).toBe('zhangsan');
  });

  it('should open the customer group of the current group chat', async () => {
    context.entry = 'group_chat_tools';
    const chatId = await services.gate.getCurExternalChat();
    const { groupChat } = await services.api.getGroupChat(chatId);
    expect(groupChat).toMatchObject({
      chatId: 'wrYsDemoGroup01',
      name: '华东客户交流群',
      owner: 'zhangsan',
    });
    expect(groupChat.members.some((member) => member.type === 'customer')).toBe(true);
  });

  it('should survive a server-side logout with one re-login', async () => {
    const before = fake.storage.get('wecom-gate.token');
    expect(before).toBeTruthy();
    const logout = await fetch(`${baseUrl}/api/sessions/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${before}` },
    });
    expect(logout.status).toBe(204);
    const logins = fake.qy.login.mock.calls.length;
    const me = await services.api.me();
    expect(me.user.userid).toBe('zhangsan');
    expect(fake.qy.login.mock.calls.length).toBe(logins + 1);
    expect(fake.storage.get('wecom-gate.token')).not.toBe(before);
  });
});
