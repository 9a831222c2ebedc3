import { createServices, type Services } from '../../miniprogram/services';
import { type NodeWxContext, nodeWx } from '../helpers/node-wx';
import { type SandboxServer, startSandboxServer } from '../helpers/sandbox-server';

// The mini-program's real services drive the real server (`npm start` in sandbox mode, a child
// process) over real HTTP with the test Redis. Only `wx` is stood in for: its `request` performs
// real HTTP, and `wx.qy.login` asks the sandbox for a login code, as WeCom would give one (the
// develop build's demo login through the pages is in miniprogram-pages.test.ts).

let server: SandboxServer;
let baseUrl: string;

beforeAll(async () => {
  server = await startSandboxServer();
  baseUrl = server.url;
}, 30_000);
afterAll(() => server.stop());

describe('mini-program services against the running server', () => {
  const context: NodeWxContext = {
    userid: 'zhangsan',
    entry: 'normal',
    // one of zhangsan's customers, one of lisi's, and an id WeCom does not know
    picked: ['wmYsDemoCust01', 'wmYsDemoCust29', 'wmYsDemoCustUnknown'],
    chatId: 'wrYsDemoGroup01',
    contactId: 'wmYsDemoCust02',
  };
  let services: Services;
  let fake: ReturnType<typeof nodeWx>;

  beforeAll(() => {
    fake = nodeWx(baseUrl, context);
    services = createServices({ wx: fake.wx, baseUrl });
  });

  it('should log in with a sandbox code and know who is logged in', async () => {
    const me = await services.api.me();
    expect(me.user).toMatchObject({ userid: 'zhangsan', name: '张三' });
    expect(fake.logins()).toBe(1);
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
    const logins = fake.logins();
    const me = await services.api.me();
    expect(me.user.userid).toBe('zhangsan');
    expect(fake.logins()).toBe(logins + 1);
    expect(fake.storage.get('wecom-gate.token')).not.toBe(before);
  });
});

describe('sidebar opens against the running server: one request each', () => {
  const open = (context: Partial<NodeWxContext>) => {
    const fake = nodeWx(baseUrl, {
      userid: 'zhangsan',
      entry: 'single_chat_tools',
      picked: [],
      chatId: 'wrYsDemoGroup01',
      contactId: 'wmYsDemoCust02',
      ...context,
    });
    return { fake, services: createServices({ wx: fake.wx, baseUrl }) };
  };
  /** What the pages do: the entry (home), then the current customer and its detail. */
  const openContact = async ({ gate, api }: Services) => {
    await gate.entry();
    return api.getContact(await gate.getCurExternalContact());
  };

  it.each(['single_chat_tools', 'contact_profile'] as const)(
    'should open the customer from %s in one request, cold and warm',
    async (entry) => {
      const { fake, services } = open({ entry });
      const cold = await openContact(services);
      expect(cold.externalContact.externalUserId).toBe('wmYsDemoCust02');
      expect(fake.requests).toEqual(['POST /api/sessions']);
      // The mini-program opened again, the session live.
      const warm = await openContact(createServices({ wx: fake.wx, baseUrl }));
      expect(warm).toEqual(cold);
      expect(fake.requests).toEqual([
        'POST /api/sessions',
        'GET /api/external-contacts/wmYsDemoCust02',
      ]);
    },
  );

  it('should open the group from group_chat_tools in one request', async () => {
    const { fake, services } = open({ entry: 'group_chat_tools' });
    await services.gate.entry();
    const { groupChat } = await services.api.getGroupChat(await services.gate.getCurExternalChat());
    expect(groupChat.name).toBe('华东客户交流群');
    expect(fake.requests).toEqual(['POST /api/sessions']);
  });

  it('should never bring a customer the employee does not follow', async () => {
    const { fake, services } = open({ contactId: 'wmYsDemoCust29' });
    await expect(openContact(services)).rejects.toMatchObject({ code: 'contact.not_followed' });
    expect(fake.requests).toEqual(['POST /api/sessions']);
  });

  it('should log in, then read, when the client refuses the context', async () => {
    const { fake, services } = open({ refuseCurrent: 1 });
    const detail = await openContact(services);
    expect(detail.followUser.userid).toBe('zhangsan');
    expect(fake.requests).toEqual([
      'POST /api/sessions',
      'GET /api/external-contacts/wmYsDemoCust02',
    ]);
  });
});
