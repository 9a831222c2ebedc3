import { currentServices } from '../../services/current';
import type { ContactListItem } from '../../typings/api';
import { contactTypeText, formatDateTime } from '../../utils/format';
import { type FetchChunk, pagedListPage } from '../../utils/paged-list';

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

Component(
  pagedListPage({
    fetch: fetchContacts,
    open: (externalUserId) => currentServices().nav.open('contact-detail', { externalUserId }),
  }),
);
