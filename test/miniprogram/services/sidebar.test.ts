import { createServices, type Services } from '../../../miniprogram/services/index';
import { createFakeWx, type FakeWx, requestedPaths } from '../helpers/fake-wx';

// A sidebar open as the pages run it (home: the entry; the page: the current customer or group,
// then its detail), counted in requests to the server: one per open, cold or warm.

function setup(fake: FakeWx) {
  return createServices({ wx: fake.wx, baseUrl: 'http://gate.test' });
}

async function openContact({ gate, api }: Services) {
  await gate.entry();
  return api.getContact(await gate.getCurExternalContact());
}

async function openGroup({ gate, api }: Services) {
  await gate.entry();
  return api.getGroupChat(await gate.getCurExternalChat());
}

/** The `context` of each POST /api/sessions so far. */
function sentContexts(fake: FakeWx): unknown[] {
  return fake.wx.request.mock.calls
    .filter(([o]) => o.url.endsWith('/api/sessions') && o.method === 'POST')
    .map(([o]) => (o.data as { context?: unknown }).context);
}

describe('services: a sidebar open in one request', () => {
  it.each(['single_chat_tools', 'contact_profile'] as const)(
    'should log in and read the customer in one request from %s, cold and warm',
    async (entry) => {
      const fake = createFakeWx({ entry });
      const services = setup(fake);
      const cold = await openContact(services);
      expect(cold.externalContact.name).toBe('李四');
      expect(requestedPaths(fake)).toEqual(['POST /api/sessions']);
      expect(sentContexts(fake)).toEqual([{ entry, externalUserId: 'wm-li' }]);

      // Opened again with the session live: one read.
      const warm = await openContact(setup(fake));
      expect(warm).toEqual(cold);
      expect(requestedPaths(fake)).toEqual([
        'POST /api/sessions',
        'GET /api/external-contacts/wm-li',
      ]);
    },
  );

  it('should log in and read the group in one request from group_chat_tools', async () => {
    const fake = createFakeWx({ entry: 'group_chat_tools' });
    const answer = await openGroup(setup(fake));
    expect(answer.groupChat.name).toBe('星河项目群');
    expect(requestedPaths(fake)).toEqual(['POST /api/sessions']);
    expect(sentContexts(fake)).toEqual([{ entry: 'group_chat_tools', chatId: 'wr-group' }]);
  });

  it('should send no context from the workbench', async () => {
    const fake = createFakeWx({ entry: 'normal' });
    await setup(fake).api.me();
    expect(sentContexts(fake)).toEqual([undefined]);
    expect(fake.qy.getCurExternalContact).not.toHaveBeenCalled();
  });

  it('should fall back to logging in, then reading, when the client refuses the context', async () => {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    fake.qy.getCurExternalContact.mockImplementationOnce((o) =>
      o.fail?.({ errMsg: 'qy.getCurExternalContact:fail without context of external contact' }),
    );
    const answer = await openContact(setup(fake));
    expect(answer.externalContact.name).toBe('李四');
    expect(sentContexts(fake)).toEqual([undefined]);
    expect(requestedPaths(fake)).toEqual([
      'POST /api/sessions',
      'GET /api/external-contacts/wm-li',
    ]);
  });

  it("should show the error of a customer that is not the employee's, without asking again", async () => {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    fake.context.currentContact = 'wm-other';
    const services = setup(fake);
    await expect(openContact(services)).rejects.toMatchObject({ code: 'contact.not_followed' });
    expect(requestedPaths(fake)).toEqual(['POST /api/sessions']);
    // 重试 reads again: what the login brought stands in once.
    await expect(services.api.getContact('wm-other')).rejects.toMatchObject({
      code: 'contact.not_followed',
    });
    expect(requestedPaths(fake)).toEqual([
      'POST /api/sessions',
      'GET /api/external-contacts/wm-other',
    ]);
  });

  it('should answer only the customer the login brought from it', async () => {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    const services = setup(fake);
    await services.auth.ensureSession();
    const other = await services.api.getContact('wm-wang');
    expect(other.externalContact.name).toBe('王五');
    expect(requestedPaths(fake)).toEqual([
      'POST /api/sessions',
      'GET /api/external-contacts/wm-wang',
    ]);
  });
});
