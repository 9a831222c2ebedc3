import { currentServices } from '../../services/current';
import { isApiError } from '../../services/errors';
import type { PageName } from '../../services/nav';
import { loadPage, type PageStatus } from '../../utils/load-page';

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

Component({
  data: {
    status: 'loading' as PageStatus,
    errorText: '',
    name: '',
    userid: '',
    entryText: '',
  },
  methods: {
    onLoad() {
      return this.load();
    },
    onRetry() {
      return this.load();
    },
    onShortcut(event: WechatMiniprogram.BaseEvent<Record<string, never>, { page?: PageName }>) {
      const page = event.currentTarget.dataset.page;
      if (page !== undefined) currentServices().nav.open(page);
    },
    load() {
      return loadPage(this, async ({ gate, api, nav }) => {
        const entry = await gate.entry().catch(normalWhenUnknown);
        const target = ENTRY_PAGES[entry];
        if (target !== undefined) {
          nav.replace(target);
          return undefined;
        }
        const { user } = await api.me();
        return {
          status: 'ready',
          name: user.name ?? user.userid,
          userid: user.userid,
          entryText: ENTRY_TEXT[entry] ?? entry,
        };
      });
    },
  },
});

/** getContext is missing in older WeCom clients and in the developer tools: treat as the workbench. */
function normalWhenUnknown(error: unknown): Entry {
  if (isApiError(error) && error.code === 'qy.failed') return 'normal';
  throw error;
}
