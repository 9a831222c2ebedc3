import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, settle } from '../helpers/fake-wx';
import { manyContacts, mockServerData } from '../helpers/fixtures';
import { mountPage } from '../helpers/page';

describe('pages/contacts (我的客户)', () => {
  it('should show 请在企业微信中打开 outside WeCom', async () => {
    const view = mountPage('contacts', createFakeWx({ environment: undefined }));
    await view.loaded;
    expect(view.text('.state-outside')).toBe('请在企业微信中打开');
    expect(view.has('.contact-item')).toBe(false);
  });

  it('should show loading, then my customers with remark, company and type', async () => {
    const fake = createFakeWx();
    const release = fake.server.hold();
    const view = mountPage('contacts', fake);
    await settle();
    expect(view.text('.state-loading')).toBe('加载中…');
    release();
    await view.loaded;
    expect(view.all('.contact-name')).toEqual(['李四', '王五']);
    expect(view.all('.contact-sub')).toEqual(['老客户 · 微信客户', '星河科技']);
    expect(view.all('.contact-type')).toEqual(['微信客户', '企业微信客户']);
    expect(view.text('.list-end')).toBe('没有更多了');
  });

  it('should show the empty state when I have no customers', async () => {
    const fake = createFakeWx({ data: { ...mockServerData(), contacts: [] } });
    const view = mountPage('contacts', fake);
    await view.loaded;
    expect(view.text('.state-empty')).toBe('还没有客户');
    expect(view.has('.contact-item')).toBe(false);
  });

  it('should show the error state and load again on 重试', async () => {
    const fake = createFakeWx();
    fake.server.failNext('GET /api/external-contacts', { networkError: 'request:fail timeout' });
    const view = mountPage('contacts', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe('网络异常，请稍后重试');
    await view.tap('.retry');
    await settle();
    expect(view.all('.contact-name')).toHaveLength(2);
  });

  it('should tell an employee outside the visible range to ask an admin', async () => {
    const fake = createFakeWx();
    fake.server.failNext(
      'GET /api/external-contacts',
      errorAnswer(403, 'contact.outside_visible_range'),
    );
    const view = mountPage('contacts', fake);
    await view.loaded;
    expect(view.text('.state-error .state-text')).toBe(
      '你不在本应用的可见范围内，暂时看不到客户和客户群。请联系管理员把你加入应用的可见范围',
    );
    expect(view.has('.contact-item')).toBe(false);
  });

  it('should open a customer with its id in the query', async () => {
    const fake = createFakeWx();
    const view = mountPage('contacts', fake);
    await view.loaded;
    await view.tap('.contact-item');
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({
      url: '/pages/contact-detail/index?externalUserId=wm-li',
    });
  });

  it('should load the next page with nextCursor on reaching the bottom', async () => {
    const fake = createFakeWx({ data: { ...mockServerData(), contacts: manyContacts(25) } });
    const view = mountPage('contacts', fake);
    await view.loaded;
    expect(view.all('.contact-item')).toHaveLength(20);
    expect(view.has('.list-end')).toBe(false);
    await view.call('onReachBottom');
    expect(view.all('.contact-item')).toHaveLength(25);
    expect(view.text('.list-end')).toBe('没有更多了');
    const urls = fake.wx.request.mock.calls
      .map(([o]) => o.url)
      .filter((u) => u.includes('contacts'));
    expect(urls).toEqual([
      'http://127.0.0.1:3000/api/external-contacts?limit=20',
      'http://127.0.0.1:3000/api/external-contacts?cursor=20&limit=20',
    ]);
    await view.call('onReachBottom');
    expect(fake.wx.request.mock.calls.filter(([o]) => o.url.includes('contacts'))).toHaveLength(2);
  });

  it('should keep the list and offer a retry when a further page fails', async () => {
    const fake = createFakeWx({ data: { ...mockServerData(), contacts: manyContacts(25) } });
    const view = mountPage('contacts', fake);
    await view.loaded;
    fake.server.failNext('GET /api/external-contacts', errorAnswer(503, 'wecom.unavailable'));
    await view.call('onReachBottom');
    expect(view.all('.contact-item')).toHaveLength(20);
    expect(view.text('.load-more-error')).toBe('企业微信繁忙，请稍后重试，点击重试');
    await view.tap('.load-more-error');
    await settle();
    expect(view.all('.contact-item')).toHaveLength(25);
  });

  it('should reload the first page on pull-down and stop the refresh animation', async () => {
    const data = mockServerData();
    const fake = createFakeWx({ data });
    const view = mountPage('contacts', fake);
    await view.loaded;
    data.contacts.pop();
    await view.call('onPullDownRefresh');
    expect(view.all('.contact-name')).toEqual(['李四']);
    expect(fake.wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });
});
