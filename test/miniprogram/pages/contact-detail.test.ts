import { createFakeWx, settle } from '../helpers/fake-wx';
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
    expect(fake.qy.getCurExternalContact).toHaveBeenCalledTimes(1);
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
