import { errorAnswer } from '../helpers/fake-server';
import { createFakeWx, settle } from '../helpers/fake-wx';
import { mountPage } from '../helpers/page';

describe('pages/contact-picker (选择客户)', () => {
  it('should show 请在企业微信中打开 outside WeCom and no picker button', async () => {
    const view = mountPage('contact-picker', createFakeWx({ environment: undefined }));
    await view.loaded;
    expect(view.text('.state-outside')).toBe('请在企业微信中打开');
    expect(view.has('.pick')).toBe(false);
  });

  it('should offer the picker before anything is selected', async () => {
    const fake = createFakeWx();
    const view = mountPage('contact-picker', fake);
    await view.loaded;
    expect(view.text('.state-idle')).toBe('从企业微信中选择客户，查看客户信息');
    expect(view.text('.pick')).toBe('选择客户');
    expect(fake.qy.selectExternalContact).not.toHaveBeenCalled();
  });

  it('should look the selection up and mark the customers that are not mine', async () => {
    const fake = createFakeWx();
    fake.context.selection = ['wm-other', 'wm-li', 'wm-ghost'];
    const view = mountPage('contact-picker', fake);
    await view.loaded;
    const release = fake.server.hold();
    await view.tap('.pick');
    await settle();
    expect(view.text('.state-loading')).toBe('加载中…');
    release();
    await settle();
    expect(view.all('.contact-name')).toEqual(['李四', '其他成员的客户', '未知客户']);
    expect(view.all('.contact-not-mine .badge-not-mine')).toEqual(['不是你的客户']);
    expect(view.all('.contact-not-found .badge-not-found')).toEqual(['客户不存在']);
    expect(view.has('.contact-mine .badge-not-mine')).toBe(false);
    expect(view.text('.not-mine-note')).toBe('有 2 位不是你的客户，无法查看详情');
    expect(view.text('.pick')).toBe('重新选择');
    const lookup = fake.wx.request.mock.calls.find(([o]) => o.url.endsWith('/lookup'))![0];
    expect(lookup.data).toEqual({ externalUserIds: ['wm-other', 'wm-li', 'wm-ghost'] });
  });

  it('should open only my customers', async () => {
    const fake = createFakeWx();
    fake.context.selection = ['wm-other', 'wm-li'];
    const view = mountPage('contact-picker', fake);
    await view.loaded;
    await view.tap('.pick');
    await settle();
    await view.tap('.contact-not-mine');
    expect(fake.wx.navigateTo).not.toHaveBeenCalled();
    await view.tap('.contact-mine');
    expect(fake.wx.navigateTo).toHaveBeenCalledWith({
      url: '/pages/contact-detail/index?externalUserId=wm-li',
    });
  });

  it('should show the empty state when nothing was selected', async () => {
    const fake = createFakeWx();
    fake.context.selection = [];
    const view = mountPage('contact-picker', fake);
    await view.loaded;
    await view.tap('.pick');
    await settle();
    expect(view.text('.state-empty')).toBe('没有选择客户');
    expect(fake.wx.request.mock.calls.some(([o]) => o.url.endsWith('/lookup'))).toBe(false);
  });

  it('should go back to where it was when the employee cancels the picker', async () => {
    const fake = createFakeWx();
    fake.qy.selectExternalContact.mockImplementation((o) =>
      o.fail?.({ errMsg: 'qy.selectExternalContact:fail cancel' }),
    );
    const view = mountPage('contact-picker', fake);
    await view.loaded;
    await view.tap('.pick');
    await settle();
    expect(view.has('.state-idle')).toBe(true);
    expect(view.has('.state-error')).toBe(false);
  });

  it('should show the error state with the server message', async () => {
    const fake = createFakeWx();
    fake.context.selection = ['wm-li'];
    fake.server.failNext(
      'POST /api/external-contacts/lookup',
      errorAnswer(502, 'wecom.rejected', { errcode: 84061 }),
    );
    const view = mountPage('contact-picker', fake);
    await view.loaded;
    await view.tap('.pick');
    await settle();
    expect(view.text('.state-error .state-text')).toBe(
      '企业微信接口调用失败（错误码 84061），请联系管理员',
    );
    expect(view.text('.pick')).toBe('重新选择');
  });
});
