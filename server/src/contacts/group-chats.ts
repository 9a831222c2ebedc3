import type { GroupChat, GroupChatListResponse } from '../../../miniprogram/typings/api';
import type { WecomApi } from '../wecom/api';
import { canReadGroup } from './access';
import { type DetailCache, isAbsent } from './detail-cache';
import { ContactsError } from './errors';
import { toGroupChatStatus } from './mapping';
import { type OutsideVisibleRangeHook, type Page, readOwnList } from './paging';

/** Customer groups (客户群): listed for their owner, readable by the owner and employee members. */
export interface GroupChats {
  listOwned(userid: string, page: Page): Promise<GroupChatListResponse>;
  /**
   * Throws `group_not_found` or `group_not_member`. `userid` may still be on its way (a login
   * exchange): the detail loads meanwhile and is authorized once it is known.
   */
  getReadable(userid: string | Promise<string>, chatId: string): Promise<GroupChat>;
  /** Drops a group's cached detail (it changed). */
  forget(chatId: string): Promise<void>;
  /** Drops this process's memo of it (another instance dropped it from the store). */
  forgetLocally(chatId: string): Promise<void>;
}

export function createGroupChats(deps: {
  wecom: WecomApi;
  details: DetailCache<GroupChat>;
  onOutsideVisibleRange: OutsideVisibleRangeHook;
}): GroupChats {
  const { wecom, details, onOutsideVisibleRange } = deps;
  return {
    async listOwned(userid, page) {
      const answer = await readOwnList(
        { userid, list: 'groupchats', page, onOutsideVisibleRange },
        () => wecom.listGroupChatsOwnedBy(userid, page),
      );
      const listed = [...new Map(answer.group_chat_list.map((g) => [g.chat_id, g])).values()];
      const groups = await details.getMany(listed.map((g) => g.chat_id));
      // A group dissolved (or hidden) between the list and its detail is left out.
      const groupChats = listed.flatMap((g, index) => {
        const detail = groups[index]!;
        if (isAbsent(detail)) return [];
        return [
          {
            chatId: g.chat_id,
            name: detail.name,
            status: toGroupChatStatus(g.status),
            memberCount: detail.members.length,
          },
        ];
      });
      return { groupChats, nextCursor: answer.next_cursor || undefined };
    },
    async getReadable(userid, chatId) {
      const [group] = await details.getMany([chatId]);
      if (isAbsent(group!)) throw new ContactsError('group_not_found');
      if (!canReadGroup(group!, await userid)) throw new ContactsError('group_not_member');
      return group!;
    },
    forget: (chatId) => details.forget(chatId),
    forgetLocally: (chatId) => details.forgetLocally(chatId),
  };
}
