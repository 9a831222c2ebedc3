import { currentServices } from '../../services/current';
import type { ContactListItem } from '../../typings/api';
import { errorText } from '../../utils/error-text';
import { contactTypeText, formatDateTime } from '../../utils/format';

const PAGE_SIZE = 20;

interface Row {
  externalUserId: string;
  name: string;
  typeText: string;
  corpName: string;
  remark: string;
  addedAt: string;
}

function toRow({ externalContact, followUser }: ContactListItem): Row {
  return {
    externalUserId: externalContact.externalUserId,
    name: externalContact.name,
    typeText: contactTypeText(externalContact.type),
    corpName: followUser.remarkCorpName ?? externalContact.corpName ?? '',
    remark: followUser.remark ?? '',
    addedAt: formatDateTime(followUser.addedAt),
  };
}

Component({
  data: {
    status: 'loading' as 'loading' | 'ready' | 'empty' | 'error' | 'outside',
    errorText: '',
    contacts: [] as Row[],
    nextCursor: '',
    loadingMore: false,
    moreErrorText: '',
  },
  methods: {
    onLoad() {
      return this.refresh();
    },
    async onPullDownRefresh() {
      try {
        await this.refresh();
      } finally {
        currentServices().nav.stopPullDownRefresh();
      }
    },
    onReachBottom() {
      return this.loadMore();
    },
    onRetry() {
      return this.refresh();
    },
    onTapContact(event: WechatMiniprogram.BaseEvent<Record<string, never>, { id?: string }>) {
      const externalUserId = event.currentTarget.dataset.id;
      if (externalUserId !== undefined) {
        currentServices().nav.open('contact-detail', { externalUserId });
      }
    },
    /** The first page again; the list on screen stays until the answer arrives. */
    async refresh() {
      const { env, api } = currentServices();
      if (!env.isWxWork()) {
        this.setData({ status: 'outside' });
        return;
      }
      if (this.data.contacts.length === 0) this.setData({ status: 'loading' });
      try {
        const page = await api.listContacts({ limit: PAGE_SIZE });
        const contacts = page.contacts.map(toRow);
        this.setData({
          status: contacts.length === 0 ? 'empty' : 'ready',
          contacts,
          nextCursor: page.nextCursor ?? '',
          moreErrorText: '',
        });
      } catch (error) {
        this.setData({ status: 'error', errorText: errorText(error), contacts: [] });
      }
    },
    async loadMore() {
      const { nextCursor, loadingMore, status } = this.data;
      if (status !== 'ready' || nextCursor === '' || loadingMore) return;
      this.setData({ loadingMore: true, moreErrorText: '' });
      try {
        const page = await currentServices().api.listContacts({
          cursor: nextCursor,
          limit: PAGE_SIZE,
        });
        this.setData({
          contacts: [...this.data.contacts, ...page.contacts.map(toRow)],
          nextCursor: page.nextCursor ?? '',
        });
      } catch (error) {
        this.setData({ moreErrorText: errorText(error) });
      } finally {
        this.setData({ loadingMore: false });
      }
    },
  },
});
