import { createServices } from '../../../miniprogram/services/index';
import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, type FakeWx } from '../helpers/fake-wx';

function setup(fake: FakeWx) {
  return createServices({ wx: fake.wx, baseUrl: 'http://gate.test' });
}

describe('services/gate', () => {
  describe('without a session', () => {
    it.each([
      [
        'wx.qy.login fails',
        (fake: FakeWx) =>
          fake.qy.login.mockImplementation((o) => o.fail?.({ errMsg: 'qy.login:fail' })),
      ],
      [
        'the server refuses the code',
        (fake: FakeWx) =>
          fake.server.failNext('POST /api/sessions', errorAnswer(403, 'auth.corp_mismatch')),
      ],
      [
        'the network is down',
        (fake: FakeWx) =>
          fake.server.failNext('POST /api/sessions', { networkError: 'request:fail' }),
      ],
    ])(
      'should not call selectExternalContact or getCurExternalContact when %s',
      async (_, breakLogin) => {
        const fake = createFakeWx({ entry: 'single_chat_tools' });
        const services = setup(fake);
        breakLogin(fake);
        await expect(services.gate.selectExternalContact()).rejects.toBeDefined();
        breakLogin(fake);
        await expect(services.gate.getCurExternalContact()).rejects.toBeDefined();
        expect(fake.qy.selectExternalContact).not.toHaveBeenCalled();
        // The login asks for its context, and only after wx.qy.login gave a code.
        const firstLogin = fake.qy.login.mock.invocationCallOrder[0]!;
        for (const api of [fake.qy.getCurExternalContact, fake.qy.getContext]) {
          expect(api.mock.calls.length).toBeLessThanOrEqual(fake.qy.login.mock.calls.length);
          for (const order of api.mock.invocationCallOrder)
            expect(order).toBeGreaterThan(firstLogin);
        }
      },
    );

    it('should not call wx.qy at all outside WeCom', async () => {
      const fake = createFakeWx({ environment: undefined });
      const services = setup(fake);
      await expect(services.gate.selectExternalContact()).rejects.toMatchObject({
        code: 'env.not_wxwork',
      });
      await expect(services.gate.getCurExternalChat()).rejects.toMatchObject({
        code: 'env.not_wxwork',
      });
      expect(fake.qy.login).not.toHaveBeenCalled();
    });
  });

  it('should call selectExternalContact only after the login has finished', async () => {
    const fake = createFakeWx();
    fake.context.selection = ['wm-li', 'wm-other'];
    const services = setup(fake);
    await expect(services.gate.selectExternalContact()).resolves.toEqual(['wm-li', 'wm-other']);
    const sessionPost = fake.wx.request.mock.invocationCallOrder[0]!;
    expect(fake.qy.selectExternalContact.mock.invocationCallOrder[0]).toBeGreaterThan(sessionPost);
    expect(fake.qy.selectExternalContact.mock.calls[0]![0].filterType).toBe(0);
  });

  it('should check the session with wx.qy.checkSession before a gated call when a token is stored', async () => {
    const fake = createFakeWx({ entry: 'contact_profile' });
    const services = setup(fake);
    await services.auth.ensureSession();
    fake.context.sessionValid = false;
    await expect(services.gate.getCurExternalContact()).resolves.toBe('wm-li');
    expect(fake.qy.checkSession).toHaveBeenCalledTimes(1);
    expect(fake.qy.login).toHaveBeenCalledTimes(2);
    expect(fake.qy.getCurExternalContact.mock.invocationCallOrder.at(-1)).toBeGreaterThan(
      fake.qy.login.mock.invocationCallOrder[1]!,
    );
  });

  it.each(['single_chat_tools', 'contact_profile'] as const)(
    'should read the current customer from %s',
    async (entry) => {
      const fake = createFakeWx({ entry });
      await expect(setup(fake).gate.getCurExternalContact()).resolves.toBe('wm-li');
    },
  );

  it.each(['normal', 'group_chat_tools', 'chat_attachment'] as const)(
    'should refuse getCurExternalContact from %s without calling it',
    async (entry) => {
      const fake = createFakeWx({ entry });
      await expect(setup(fake).gate.getCurExternalContact()).rejects.toMatchObject({
        code: 'qy.entry_not_allowed',
      });
      expect(fake.qy.getCurExternalContact).not.toHaveBeenCalled();
    },
  );

  it('should read the current group only from group_chat_tools', async () => {
    const inGroup = createFakeWx({ entry: 'group_chat_tools' });
    await expect(setup(inGroup).gate.getCurExternalChat()).resolves.toBe('wr-group');

    const inSingle = createFakeWx({ entry: 'single_chat_tools' });
    await expect(setup(inSingle).gate.getCurExternalChat()).rejects.toMatchObject({
      code: 'qy.entry_not_allowed',
    });
    expect(inSingle.qy.getCurExternalChat).not.toHaveBeenCalled();
  });

  it('should report a cancelled picker as qy.cancelled', async () => {
    const fake = createFakeWx();
    fake.qy.selectExternalContact.mockImplementation((o) =>
      o.fail?.({ errMsg: 'qy.selectExternalContact:fail cancel' }),
    );
    await expect(setup(fake).gate.selectExternalContact()).rejects.toMatchObject({
      code: 'qy.cancelled',
    });
  });

  describe('sendChatMessage', () => {
    const text = { msgtype: 'text', text: { content: '你好' } } as const;

    it.each(['single_chat_tools', 'group_chat_tools'] as const)(
      'should send from %s after the login has finished',
      async (entry) => {
        const fake = createFakeWx({ entry });
        const services = setup(fake);
        await expect(services.gate.canSendChatMessage()).resolves.toBe(true);
        await services.gate.sendChatMessage(text);
        expect(fake.qy.sendChatMessage.mock.calls[0]![0]).toMatchObject(text);
        expect(fake.qy.sendChatMessage.mock.invocationCallOrder[0]).toBeGreaterThan(
          fake.qy.login.mock.invocationCallOrder[0]!,
        );
      },
    );

    it.each(['normal', 'contact_profile', 'chat_attachment'] as const)(
      'should refuse from %s without calling it',
      async (entry) => {
        const fake = createFakeWx({ entry });
        const services = setup(fake);
        await expect(services.gate.canSendChatMessage()).resolves.toBe(false);
        await expect(services.gate.sendChatMessage(text)).rejects.toMatchObject({
          code: 'qy.entry_not_allowed',
        });
        expect(fake.qy.sendChatMessage).not.toHaveBeenCalled();
      },
    );

    it('should not send when the login fails', async () => {
      const fake = createFakeWx({ entry: 'single_chat_tools' });
      fake.qy.login.mockImplementation((o) => o.fail?.({ errMsg: 'qy.login:fail' }));
      await expect(setup(fake).gate.sendChatMessage(text)).rejects.toMatchObject({
        code: 'qy.failed',
      });
      expect(fake.qy.sendChatMessage).not.toHaveBeenCalled();
      expect(fake.qy.getContext).not.toHaveBeenCalled();
    });

    it('should say unsupported in a client without it', async () => {
      const fake = createFakeWx({ entry: 'single_chat_tools' });
      delete (fake.qy as Partial<typeof fake.qy>).sendChatMessage;
      const services = setup(fake);
      await expect(services.gate.canSendChatMessage()).resolves.toBe(false);
      await expect(services.gate.sendChatMessage(text)).rejects.toMatchObject({
        code: 'qy.unsupported',
      });
    });
  });

  describe('getMobile and getEmail', () => {
    it('should ask WeCom only after the login has finished', async () => {
      const fake = createFakeWx();
      const services = setup(fake);
      await services.gate.getMobile();
      await services.gate.getEmail();
      expect(fake.qy.getMobile.mock.invocationCallOrder[0]).toBeGreaterThan(
        fake.qy.login.mock.invocationCallOrder[0]!,
      );
      expect(fake.qy.getEmail).toHaveBeenCalledTimes(1);
    });

    it('should report a declined consent dialog as qy.cancelled', async () => {
      const fake = createFakeWx();
      fake.qy.getEmail.mockImplementation((o) =>
        o.fail?.({ errMsg: 'qy.getEmail:fail auth deny' }),
      );
      await expect(setup(fake).gate.getEmail()).rejects.toMatchObject({ code: 'qy.cancelled' });
    });

    it('should know which of them this client has', () => {
      const fake = createFakeWx();
      delete (fake.qy as Partial<typeof fake.qy>).getMobile;
      const { gate } = setup(fake);
      expect(gate.supports('getMobile')).toBe(false);
      expect(gate.supports('getEmail')).toBe(true);
    });
  });
});
