import { createFakeWx, FAKE_APPID, requestedPaths, settle } from '../helpers/fake-wx';
import { mountPage } from '../helpers/page';

describe('pages/contact-detail (客户详情)', () => {
  it('should show 请在企业微信中打开 outside WeCom', async () => {
    const view = mountPage('contact-detail', createFakeWx({ environment: undefined }), {
      externalUserId: 'wm-li',
    });
    await view.loaded;
    expect(view.text('.state-outside')).toBe('请在企业微信中打开');
  });

  it('should show a WeCom customer opened from the list', async () => {
    const fake = createFakeWx();
    const release = fake.server.hold();
    const view = mountPage('contact-detail', fake, { externalUserId: 'wm-wang' });
    await settle();
    expect(view.text('.state-loading')).toBe('加载中…');
    release();
    await view.loaded;
    expect(view.text('.contact-name')).toBe('王五');
    expect(view.text('.contact-type')).toBe('企业微信客户');
    expect(view.text('.contact-company')).toBe('深圳星河科技有限公司');
    expect(view.text('.contact-position')).toBe('采购');
    expect(view.text('.contact-remark')).toBe('无');
    expect(view.text('.tags-empty')).toBe('暂无标签');
    expect(view.text('.contact-added')).toBe('2023-11-20 16:30');
    expect(fake.qy.getCurExternalContact).not.toHaveBeenCalled();
  });

  it('should read the customer of the single-chat sidebar with getCurExternalContact', async () => {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    const view = mountPage('contact-detail', fake);
    await view.loaded;
    // Once for the login's context, once by the page: local calls; one request to the server.
    expect(fake.qy.getCurExternalContact).toHaveBeenCalledTimes(2);
    expect(requestedPaths(fake)).toEqual(['POST /api/sessions']);
    expect(view.text('.contact-name')).toBe('李四');
    expect(view.text('.contact-type')).toBe('微信客户');
    expect(view.text('.contact-company')).toBe('未填写');
    expect(view.text('.contact-remark')).toBe('老客户');
    expect(view.all('.contact-tag')).toEqual(['重要', '爱喝茶']);
    expect(view.text('.contact-added')).toBe('2024-03-05 09:07');
  });

  it('should say when the customer is not mine', async () => {
    const fake = createFakeWx({ entry: 'contact_profile' });
    fake.context.currentContact = 'wm-other';
    const view = mountPage('contact-detail', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('该客户不是你的客户');
    expect(view.has('.contact-name')).toBe(false);
  });

  it('should explain where to open it from when there is no customer context', async () => {
    const fake = createFakeWx({ entry: 'normal' });
    const view = mountPage('contact-detail', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('请从聊天工具栏或客户详情页打开');
    expect(fake.qy.getCurExternalContact).not.toHaveBeenCalled();
  });

  it('should show the empty state when WeCom names no customer', async () => {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    fake.context.currentContact = '';
    const view = mountPage('contact-detail', fake);
    await view.loaded;
    expect(view.text('.state-empty')).toBe('当前没有可查看的客户');
  });

  it('should decode the id from the page query', async () => {
    const fake = createFakeWx();
    const view = mountPage('contact-detail', fake, { externalUserId: 'wm%2Dwang' });
    await view.loaded;
    expect(view.text('.contact-name')).toBe('王五');
  });
});

describe('pages/contact-detail (客户详情): sending into the single chat', () => {
  async function sidebar() {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    const view = mountPage('contact-detail', fake);
    await view.loaded;
    return { fake, view };
  }

  it('should offer sending only in the single-chat sidebar', async () => {
    const { view } = await sidebar();
    expect(view.text('.sender .section-title')).toBe('发送到当前聊天');
    expect(view.all('.send-actions .button')).toEqual(['发送文字', '发送小程序卡片']);

    const fromList = mountPage('contact-detail', createFakeWx({ entry: 'single_chat_tools' }), {
      externalUserId: 'wm-wang',
    });
    await fromList.loaded;
    expect(fromList.text('.contact-name')).toBe('王五');
    expect(fromList.has('.sender')).toBe(false);

    const profile = mountPage('contact-detail', createFakeWx({ entry: 'contact_profile' }));
    await profile.loaded;
    expect(profile.text('.contact-name')).toBe('李四');
    expect(profile.has('.sender')).toBe(false);
  });

  it('should send the typed text with wx.qy.sendChatMessage and say 已发送', async () => {
    const { fake, view } = await sidebar();
    await view.input('.send-input', '  您好，资料已发您邮箱  ');
    await view.tap('.send-text');
    await settle();
    expect(fake.qy.sendChatMessage).toHaveBeenCalledTimes(1);
    expect(fake.qy.sendChatMessage.mock.calls[0]![0]).toMatchObject({
      msgtype: 'text',
      text: { content: '您好，资料已发您邮箱' },
    });
    expect(view.text('.send-result')).toBe('已发送');
  });

  it('should send this mini-program card', async () => {
    const { fake, view } = await sidebar();
    await view.tap('.send-card');
    await settle();
    const sent = fake.qy.sendChatMessage.mock.calls[0]![0];
    expect(sent).toMatchObject({
      msgtype: 'miniprogram',
      miniprogram: {
        appid: FAKE_APPID,
        title: '客户助手',
        imgUrl: 'images/chat-card.png',
        page: 'pages/home/index.html',
      },
    });
    expect(view.text('.send-result')).toBe('已发送');
  });

  it('should ask for text instead of sending an empty message', async () => {
    const { fake, view } = await sidebar();
    await view.input('.send-input', '   ');
    await view.tap('.send-text');
    await settle();
    expect(fake.qy.sendChatMessage).not.toHaveBeenCalled();
    expect(view.text('.send-result')).toBe('请先输入要发送的文字');
  });

  it('should say when the employee cancels or WeCom refuses', async () => {
    const { fake, view } = await sidebar();
    fake.qy.sendChatMessage.mockImplementationOnce((o) =>
      o.fail?.({ errMsg: 'qy.sendChatMessage:fail cancel' }),
    );
    await view.tap('.send-card');
    await settle();
    expect(view.text('.send-result')).toBe('已取消发送');
    fake.qy.sendChatMessage.mockImplementationOnce((o) =>
      o.fail?.({ errMsg: 'qy.sendChatMessage:fail no permission' }),
    );
    await view.tap('.send-card');
    await settle();
    expect(view.text('.send-result')).toBe('企业微信接口调用失败，请联系管理员');
  });

  it('should not offer sending in a WeCom client without sendChatMessage', async () => {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    delete (fake.qy as Partial<typeof fake.qy>).sendChatMessage;
    const view = mountPage('contact-detail', fake);
    await view.loaded;
    expect(view.text('.contact-name')).toBe('李四');
    expect(view.has('.sender')).toBe(false);
  });
});
