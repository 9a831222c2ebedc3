import { currentServices } from '../../services/current';
import type { ContactListItem } from '../../typings/api';
import { contactTypeText, formatDateTime } from '../../utils/format';
import type { PageStatus } from '../../utils/load-page';
import { type FetchChunk, loadMore, refreshList } from '../../utils/paged-list';

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

const fetchContacts: FetchChunk<Row> = async ({ api }, cursor) => {
  const page = await api.listContacts({ cursor, limit: PAGE_SIZE });
  return { rows: page.contacts.map(toRow), nextCursor: page.nextCursor };
};

Component({
  data: {
    status: 'loading' as PageStatus,
    errorText: '',
    items: [] as Row[],
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
      return loadMore(this, fetchContacts);
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
    refresh() {
      return refreshList(this, fetchContacts);
    },
  },
});
