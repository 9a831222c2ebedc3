import { currentServices } from '../../services/current';
import { isApiError } from '../../services/errors';
import type { Services } from '../../services/index';
import type { PageName } from '../../services/nav';
import { loadPage, type PageStateData } from '../../utils/load-page';

type Entry = WechatMiniprogram.Qy.Entry;

/** Sidebar and profile entries open their own page instead of the workbench. */
const ENTRY_PAGES: Partial<Record<Entry, PageName>> = {
  single_chat_tools: 'contact-detail',
  contact_profile: 'contact-detail',
  group_chat_tools: 'group-chat',
};

const ENTRY_TEXT: Record<Entry, string> = {
  normal: '工作台',
  contact_profile: '客户详情页',
  single_chat_tools: '单聊工具栏',
  group_chat_tools: '群聊工具栏',
  chat_attachment: '聊天附件栏',
  single_kf_tools: '微信客服工具栏',
  chain_single_chat_tools: '上下游单聊工具栏',
  chain_group_chat_tools: '上下游群聊工具栏',
  internal_group_chat_board: '内部群群看板',
};

interface DemoRow {
  userid: string;
  name: string;
  department: string;
}

interface HomeData extends PageStateData {
  /** What `ready` shows: the workbench, the demo login, or that the employee logged out. */
  view: 'workbench' | 'demo' | 'logged-out';
  /** Opened after 退出登录 (query loggedOut=1): no silent login until asked. */
  loggedOut: boolean;
  employees: DemoRow[];
  name: string;
  userid: string;
  entryText: string;
  /** Logged in through the demo login: a develop build against a sandbox server. */
  demo: boolean;
  /** A develop build: the server origin may be changed here (beside the demo login or an error). */
  originChangeable: boolean;
  /** The server this build talks to now. */
  origin: string;
  /** What the developer typed as the new origin. */
  originDraft: string;
  /** The draft was not an http(s) origin. */
  originInvalid: boolean;
}

const initialData: HomeData = {
  status: 'loading',
  errorText: '',
  view: 'workbench',
  loggedOut: false,
  employees: [],
  name: '',
  userid: '',
  entryText: '',
  demo: false,
  originChangeable: false,
  origin: '',
  originDraft: '',
  originInvalid: false,
};

/** The origin fields of the page's data, from the services. */
function originData({ origin }: Services): Partial<HomeData> {
  return { originChangeable: origin.changeable(), origin: origin.current(), originInvalid: false };
}

/** The workbench: sidebar and profile entries go to their own page; the rest see who they are. */
async function enterWorkbench({
  auth,
  gate,
  api,
  nav,
}: Services): Promise<Partial<HomeData> | undefined> {
  const entry = await gate.entry().catch(normalWhenUnknown);
  const target = ENTRY_PAGES[entry];
  if (target !== undefined) {
    nav.replace(target);
    return undefined;
  }
  const { user } = await api.me();
  return {
    status: 'ready',
    view: 'workbench',
    name: user.name ?? user.userid,
    userid: user.userid,
    entryText: ENTRY_TEXT[entry] ?? entry,
    demo: auth.demoUser() !== undefined,
  };
}

Component({
  data: initialData,
  methods: {
    onLoad(query: Record<string, string | undefined> = {}) {
      this.setData({ loggedOut: query.loggedOut === '1', ...originData(currentServices()) });
      return this.load();
    },
    onRetry() {
      return this.load();
    },
    onShortcut(event: WechatMiniprogram.BaseEvent<Record<string, never>, { page?: PageName }>) {
      const page = event.currentTarget.dataset.page;
      if (page !== undefined) currentServices().nav.open(page);
    },
    /** Without a session: a develop build against a sandbox server offers the demo login. */
    load() {
      return loadPage(this, async (services): Promise<Partial<HomeData> | undefined> => {
        if (!services.auth.hasSession()) {
          const employees = await services.demo.employees();
          if (employees !== undefined) {
            return {
              status: 'ready',
              view: 'demo',
              employees: employees.map(({ userid, name, department }) => ({
                userid,
                name,
                department: department ?? '',
              })),
            };
          }
          if (this.data.loggedOut) return { status: 'ready', view: 'logged-out' };
        }
        return enterWorkbench(services);
      });
    },
    onPickDemo(event: WechatMiniprogram.BaseEvent<Record<string, never>, { userid?: string }>) {
      const userid = event.currentTarget.dataset.userid;
      if (userid === undefined) return undefined;
      return loadPage(this, async (services) => {
        await services.auth.loginAsDemo(userid);
        return enterWorkbench(services);
      });
    },
    onOriginInput(event: WechatMiniprogram.Input) {
      this.setData({ originDraft: event.detail.value });
    },
    /** Develop builds: talk to another server from now on (a new login there). */
    onSaveOrigin() {
      return this.changeOrigin(this.data.originDraft);
    },
    /** Back to the origin config.ts names for this build. */
    onResetOrigin() {
      return this.changeOrigin('');
    },
    changeOrigin(origin: string) {
      const services = currentServices();
      if (!services.origin.set(origin)) {
        this.setData({ originInvalid: true });
        return undefined;
      }
      this.setData({ ...originData(services), originDraft: '' });
      return this.load();
    },
    onRelogin() {
      this.setData({ loggedOut: false });
      return this.load();
    },
  },
});

/** getContext is missing in older WeCom clients and in the developer tools: treat as the workbench. */
function normalWhenUnknown(error: unknown): Entry {
  if (isApiError(error) && error.code === 'qy.failed') return 'normal';
  throw error;
}
