import { currentServices } from '../../services/current';
import { isApiError } from '../../services/errors';
import { errorText } from '../../utils/error-text';
import { loadPage, type PageStatus } from '../../utils/load-page';

type OwnField = 'mobile' | 'email';

const MISSING: Record<OwnField, string> = {
  mobile: '通讯录中没有你的手机号',
  email: '通讯录中没有你的邮箱',
};

/**
 * 我: who is logged in and in which corp, 退出登录 (the server session ends), and where the
 * WeCom client has getMobile / getEmail, the employee's own mobile and email. WeCom asks the
 * employee to agree on every call; what it hands over is decrypted by the server with this
 * session's key, shown here and kept nowhere.
 */
Component({
  data: {
    status: 'loading' as PageStatus,
    errorText: '',
    name: '',
    userid: '',
    corpid: '',
    demo: false,
    mobileSupported: false,
    mobile: '',
    mobileNote: '',
    emailSupported: false,
    email: '',
    emailNote: '',
    loggingOut: false,
    logoutError: '',
  },
  methods: {
    onLoad() {
      return this.load();
    },
    onRetry() {
      return this.load();
    },
    load() {
      return loadPage(this, async ({ api, auth, gate }) => {
        const { user } = await api.me();
        return {
          status: 'ready',
          name: user.name ?? user.userid,
          userid: user.userid,
          corpid: user.corpid,
          demo: auth.demoUser() !== undefined,
          mobileSupported: gate.supports('getMobile'),
          emailSupported: gate.supports('getEmail'),
        };
      });
    },
    onReadMobile() {
      return this.readOwn('mobile');
    },
    onReadEmail() {
      return this.readOwn('email');
    },
    async readOwn(field: OwnField) {
      const { gate, api } = currentServices();
      this.setData({ [`${field}Note`]: '正在读取…' });
      try {
        const encrypted = field === 'mobile' ? await gate.getMobile() : await gate.getEmail();
        const { data } = await api.decrypt(encrypted);
        const value = data[field];
        if (typeof value === 'string' && value !== '') {
          this.setData({ [field]: value, [`${field}Note`]: '' });
        } else {
          this.setData({ [`${field}Note`]: MISSING[field] });
        }
      } catch (error) {
        const declined = isApiError(error) && error.code === 'qy.cancelled';
        this.setData({ [`${field}Note`]: declined ? '你没有同意，未读取' : errorText(error) });
      }
    },
    /** Ends the session on the server, then starts over on the workbench (logged out). */
    async onLogout() {
      if (this.data.loggingOut) return;
      this.setData({ loggingOut: true, logoutError: '' });
      const { auth, nav } = currentServices();
      try {
        await auth.logout();
        nav.restart('home', { loggedOut: '1' });
      } catch (error) {
        this.setData({ logoutError: `退出失败：${errorText(error)}` });
      } finally {
        this.setData({ loggingOut: false });
      }
    },
  },
});
