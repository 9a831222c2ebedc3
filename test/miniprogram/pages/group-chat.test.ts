import { createFakeWx, requestedPaths, settle } from '../helpers/fake-wx';
import { mountPage } from '../helpers/page';

describe('pages/group-chat (客户群)', () => {
  it('should show 请在企业微信中打开 outside WeCom', async () => {
    const view = mountPage('group-chat', createFakeWx({ environment: undefined }));
    await view.loaded;
    expect(view.text('.state-outside')).toBe('请在企业微信中打开');
  });

  it('should show the group of the group-chat sidebar and which members are customers', async () => {
    const fake = createFakeWx({ entry: 'group_chat_tools' });
    const release = fake.server.hold();
    const view = mountPage('group-chat', fake);
    await settle();
    expect(view.text('.state-loading')).toBe('加载中…');
    release();
    await view.loaded;
    // Once for the login's context, once by the page: local calls; one request to the server.
    expect(fake.qy.getCurExternalChat).toHaveBeenCalledTimes(2);
    expect(requestedPaths(fake)).toEqual(['POST /api/sessions']);
    expect(view.text('.chat-name')).toBe('星河项目群');
    expect(view.text('.chat-owner')).toBe('张三');
    expect(view.text('.chat-counts')).toBe('共 4 人，其中客户 2 人');
    expect(view.all('.member-name')).toEqual(['张三', '李工', '李四', '王五']);
    expect(view.all('.member-item')).toEqual(['张三群主同事', '李工同事', '李四客户', '王五客户']);
  });

  it('should show the empty state for a group without members', async () => {
    const view = mountPage('group-chat', createFakeWx(), { chatId: 'wr-empty' });
    await view.loaded;
    expect(view.text('.chat-name')).toBe('新建群');
    expect(view.text('.state-empty')).toBe('群里还没有成员');
    expect(view.has('.member-item')).toBe(false);
  });

  it('should say when I am not in the group', async () => {
    const view = mountPage('group-chat', createFakeWx(), { chatId: 'wr-foreign' });
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('你不在该客户群中');
  });

  it('should refuse outside the group-chat sidebar without calling getCurExternalChat', async () => {
    const fake = createFakeWx({ entry: 'single_chat_tools' });
    const view = mountPage('group-chat', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('请从聊天工具栏或客户详情页打开');
    expect(fake.qy.getCurExternalChat).not.toHaveBeenCalled();
  });
});

describe('pages/group-chat (客户群): sending into the group chat', () => {
  it('should send text and this mini-program card from the group-chat sidebar', async () => {
    const fake = createFakeWx({ entry: 'group_chat_tools' });
    const view = mountPage('group-chat', fake);
    await view.loaded;
    expect(view.text('.sender .section-title')).toBe('发送到当前聊天');
    await view.input('.send-input', '明天上午十点开会');
    await view.tap('.send-text');
    await settle();
    await view.tap('.send-card');
    await settle();
    expect(fake.qy.sendChatMessage.mock.calls.map(([o]) => o.msgtype)).toEqual([
      'text',
      'miniprogram',
    ]);
    expect(fake.qy.sendChatMessage.mock.calls[0]![0]).toMatchObject({
      text: { content: '明天上午十点开会' },
    });
    expect(view.text('.send-result')).toBe('已发送');
  });

  it('should send only after the session is live and only from the toolbar entry', async () => {
    const fake = createFakeWx({ entry: 'group_chat_tools' });
    const view = mountPage('group-chat', fake);
    await view.loaded;
    fake.context.entry = 'normal';
    await view.tap('.send-card');
    await settle();
    expect(fake.qy.sendChatMessage).not.toHaveBeenCalled();
    expect(view.text('.send-result')).toBe('请从聊天工具栏或客户详情页打开');
  });

  it('should not offer sending for a group opened from the list', async () => {
    const view = mountPage('group-chat', createFakeWx({ entry: 'group_chat_tools' }), {
      chatId: 'wr-group',
    });
    await view.loaded;
    expect(view.text('.chat-name')).toBe('星河项目群');
    expect(view.has('.sender')).toBe(false);
  });
});
