import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, settle } from '../helpers/fake-wx';
import { manyGroupChats, mockServerData } from '../helpers/fixtures';
import { mountPage } from '../helpers/page';

describe('pages/group-chats (我的客户群)', () => {
  it('should show 请在企业微信中打开 outside WeCom and call nothing', async () => {
    const fake = createFakeWx({ environment: undefined });
    const view = mountPage('group-chats', fake);
    await view.loaded;
    expect(view.text('.state-outside')).toBe('请在企业微信中打开');
    expect(view.has('.group-chat-item')).toBe(false);
    expect(fake.wx.request).not.toHaveBeenCalled();
  });

  it('should show loading, then the groups I own with their member counts', async () => {
    const fake = createFakeWx();
    const release = fake.server.hold();
    const view = mountPage('group-chats', fake);
    await settle();
    expect(view.text('.state-loading')).toBe('加载中…');
    release();
    await view.loaded;
    // 别人的群 is owned by someone else: not listed.
    expect(view.all('.group-chat-name')).toEqual(['星河项目群', '新建群']);
    expect(view.all('.group-chat-members')).toEqual(['共 4 人', '共 0 人']);
    expect(view.has('.group-chat-status')).toBe(false);
    expect(view.text('.list-end')).toBe('没有更多了');
    const list = fake.wx.request.mock.calls.find(([o]) => o.url.includes('/api/group-chats'))!;
    expect(list[0].url).toBe('http://127.0.0.1:3000/api/group-chats?limit=20');
  });

  it('should mark groups whose owner left and name groups without a name', async () => {
    const fake = createFakeWx();
    fake.server.failNext('GET /api/group-chats', {
      statusCode: 200,
      data: {
        groupChats: [
          { chatId: 'wr-a', name: '', status: 'owner_left', memberCount: 3 },
          { chatId: 'wr-b', name: '售后群', status: 'inherited', memberCount: 5 },
        ],
      },
    });
    const view = mountPage('group-chats', fake);
    await view.loaded;
    expect(view.all('.group-chat-name')).toEqual(['未命名客户群', '售后群']);
    expect(view.all('.group-chat-status')).toEqual(['群主已离职', '已继承']);
  });

  it('should show the empty state when I own no group', async () => {
    const fake = createFakeWx({ data: { ...mockServerData(), groupChats: [] } });
    const view = mountPage('group-chats', fake);
    await view.loaded;
    expect(view.text('.state-empty')).toBe('你还没有客户群');
    expect(view.has('.group-chat-item')).toBe(false);
  });

  it('should show the error state and load again on 重试', async () => {
    const fake = createFakeWx();
    fake.server.failNext('GET /api/group-chats', errorAnswer(503, 'wecom.unavailable'));
    const view = mountPage('group-chats', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('企业微信繁忙，请稍后重试');
    await view.tap('.retry');
    await settle();
    expect(view.all('.group-chat-name')).toEqual(['星河项目群', '新建群']);
  });

  it('should tell an employee outside the visible range to ask an admin', async () => {
    const fake = createFakeWx();
    fake.server.failNext('GET /api/group-chats', errorAnswer(403, 'contact.outside_visible_range'));
    const view = mountPage('group-chats', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe(
      '你不在本应用的可见范围内，暂时看不到客户和客户群。请联系管理员把你加入应用的可见范围',
    );
  });

  it('should open a group with its chat id in the query', async () => {
    const fake = createFakeWx();
    const view = mountPage('group-chats', fake);
    await view.loaded;
    await view.tap('.group-chat-item');
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({
      url: '/pages/group-chat/index?chatId=wr-group',
    });
  });

  it('should load the next page with nextCursor on reaching the bottom', async () => {
    const fake = createFakeWx({ data: { ...mockServerData(), groupChats: manyGroupChats(25) } });
    const view = mountPage('group-chats', fake);
    await view.loaded;
    expect(view.all('.group-chat-item')).toHaveLength(20);
    expect(view.has('.list-end')).toBe(false);
    await view.call('onReachBottom');
    expect(view.all('.group-chat-item')).toHaveLength(25);
    expect(view.text('.list-end')).toBe('没有更多了');
    const urls = fake.wx.request.mock.calls
      .map(([o]) => o.url)
      .filter((u) => u.includes('/api/group-chats'));
    expect(urls).toEqual([
      'http://127.0.0.1:3000/api/group-chats?limit=20',
      'http://127.0.0.1:3000/api/group-chats?cursor=20&limit=20',
    ]);
  });

  it('should keep the list and offer a retry when a further page fails', async () => {
    const fake = createFakeWx({ data: { ...mockServerData(), groupChats: manyGroupChats(25) } });
    const view = mountPage('group-chats', fake);
    await view.loaded;
    fake.server.failNext('GET /api/group-chats', { networkError: 'request:fail' });
    await view.call('onReachBottom');
    expect(view.all('.group-chat-item')).toHaveLength(20);
    expect(view.text('.load-more-error')).toBe('网络异常，请稍后重试，点击重试');
    await view.tap('.load-more-error');
    await settle();
    expect(view.all('.group-chat-item')).toHaveLength(25);
  });

  it('should reload on pull-down, keeping the list until the answer, and stop the animation', async () => {
    const data = mockServerData();
    const fake = createFakeWx({ data });
    const view = mountPage('group-chats', fake);
    await view.loaded;
    data.groupChats.splice(1, 1);
    const release = fake.server.hold();
    const refreshing = view.call('onPullDownRefresh');
    await settle();
    expect(view.has('.state-loading')).toBe(false);
    expect(view.all('.group-chat-name')).toEqual(['星河项目群', '新建群']);
    release();
    await refreshing;
    expect(view.all('.group-chat-name')).toEqual(['星河项目群']);
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });
});
