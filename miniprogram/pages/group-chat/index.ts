import type { GroupChat, GroupChatMember } from '../../typings/api';
import { formatDateTime, queryValue } from '../../utils/format';
import { loadPage, type PageStatus } from '../../utils/load-page';

interface MemberRow {
  userid: string;
  name: string;
  isCustomer: boolean;
  isOwner: boolean;
}

interface View {
  name: string;
  ownerName: string;
  createdAt: string;
  notice: string;
  memberCount: number;
  customerCount: number;
}

function memberName(member: GroupChatMember): string {
  return member.groupNickname || member.name || member.userid;
}

function toView(chat: GroupChat): { chat: View; members: MemberRow[] } {
  const owner = chat.members.find((member) => member.userid === chat.owner);
  const members = chat.members.map((member) => ({
    userid: member.userid,
    name: memberName(member),
    isCustomer: member.type === 'customer',
    isOwner: member.userid === chat.owner,
  }));
  return {
    chat: {
      name: chat.name || '未命名客户群',
      ownerName: owner ? memberName(owner) : chat.owner,
      createdAt: formatDateTime(chat.createdAt),
      notice: chat.notice ?? '',
      memberCount: members.length,
      customerCount: members.filter((member) => member.isCustomer).length,
    },
    members,
  };
}

Component({
  data: {
    status: 'loading' as PageStatus,
    errorText: '',
    chatId: '',
    chat: null as View | null,
    members: [] as MemberRow[],
    /** Opened from a group-chat toolbar: offer sending into that chat. */
    chatTools: false,
  },
  methods: {
    /** `chatId` in the query, or the group of the current group-chat sidebar. */
    onLoad(query: Record<string, string | undefined> = {}) {
      this.setData({ chatId: queryValue(query.chatId) });
      return this.load();
    },
    onRetry() {
      return this.load();
    },
    load() {
      return loadPage(this, async ({ gate, api }) => {
        let chatId = this.data.chatId;
        let chatTools = false;
        if (chatId === '') {
          chatId = await gate.getCurExternalChat();
          chatTools = await gate.canSendChatMessage();
          this.setData({ chatId });
        }
        const view = toView((await api.getGroupChat(chatId)).groupChat);
        // A group without members still shows its header; the member list says it is empty.
        return { status: 'ready', ...view, chatTools };
      });
    },
  },
});
