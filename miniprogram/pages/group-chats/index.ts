import { currentServices } from '../../services/current';
import type { GroupChatStatus, GroupChatSummary } from '../../typings/api';
import { type FetchChunk, pagedListPage } from '../../utils/paged-list';

const PAGE_SIZE = 20;

/** What is unusual about a group; a normal group says nothing. */
const STATUS_TEXT: Record<GroupChatStatus, string> = {
  normal: '',
  owner_left: '群主已离职',
  inheriting: '离职继承中',
  inherited: '已继承',
};

interface Row {
  chatId: string;
  name: string;
  memberText: string;
  statusText: string;
}

function toRow(chat: GroupChatSummary): Row {
  return {
    chatId: chat.chatId,
    name: chat.name || '未命名客户群',
    memberText: `共 ${chat.memberCount} 人`,
    statusText: STATUS_TEXT[chat.status] ?? '',
  };
}

const fetchGroupChats: FetchChunk<Row> = async ({ api }, cursor) => {
  const page = await api.listGroupChats({ cursor, limit: PAGE_SIZE });
  return { rows: page.groupChats.map(toRow), nextCursor: page.nextCursor };
};

/** 我的客户群: the customer groups this employee owns, page by page; a tap opens the group. */
Component(
  pagedListPage({
    fetch: fetchGroupChats,
    open: (chatId) => currentServices().nav.open('group-chat', { chatId }),
  }),
);
