import type {
  ContactDetail,
  GroupChatDetailResponse,
  LoginContext,
  LoginContextAnswer,
} from '../typings/api';
import { ApiError } from './errors';
import type { Qy } from './qy';

type Entry = WechatMiniprogram.Qy.Entry;

/** Entries from which WeCom answers getCurExternalContact / getCurExternalChat. */
export const CONTACT_ENTRIES: readonly Entry[] = ['contact_profile', 'single_chat_tools'];
export const CHAT_ENTRIES: readonly Entry[] = ['group_chat_tools'];

/** How long what the login loaded stands in for a read of it. */
const KEEP_MS = 30_000;

/**
 * The chat a sidebar (or a contact profile) opened the mini-program from, sent with the login so
 * that the customer or group comes back with the session: one round trip to the server instead
 * of two. The page then reads it as always (api.ts), and the first read of that customer or group
 * is answered with what the login brought (once, and only for a short while).
 */
export interface SidebarContext {
  /**
   * The entry and the customer or group id, asked from wx.qy after wx.qy.login; undefined when
   * not opened from a chat or profile, or when the client refuses any of it (the page then reads
   * after the login, as without a context).
   */
  read(): Promise<LoginContext | undefined>;
  /** What the login answered for the context it sent. */
  keep(context: LoginContext, answer: LoginContextAnswer | undefined): void;
  /** The customer the login brought, if it is `externalUserId`; its error is thrown. */
  takeContact(externalUserId: string): ContactDetail | undefined;
  /** The group the login brought, if it is `chatId`; its error is thrown. */
  takeGroupChat(chatId: string): GroupChatDetailResponse | undefined;
}

export function createSidebarContext({
  qy,
  now = Date.now,
}: {
  qy: Qy;
  now?: () => number;
}): SidebarContext {
  let kept: { id: string; answer: LoginContextAnswer; until: number } | undefined;

  const take = (id: string): LoginContextAnswer | undefined => {
    const found = kept;
    if (found === undefined || found.id !== id || now() > found.until) return undefined;
    kept = undefined;
    if ('error' in found.answer) {
      const { code, message } = found.answer.error;
      throw new ApiError(code, message);
    }
    return found.answer;
  };

  return {
    async read() {
      try {
        const entry = await qy.getContext();
        if (CONTACT_ENTRIES.includes(entry)) {
          const externalUserId = await qy.getCurExternalContact();
          return externalUserId === ''
            ? undefined
            : { entry: entry as 'contact_profile', externalUserId };
        }
        if (CHAT_ENTRIES.includes(entry)) {
          const chatId = await qy.getCurExternalChat();
          return chatId === '' ? undefined : { entry: 'group_chat_tools', chatId };
        }
      } catch {
        // An older client, the developer tools, or no chat after all: log in, then read.
      }
      return undefined;
    },
    keep(context, answer) {
      kept =
        answer === undefined
          ? undefined
          : {
              id: 'chatId' in context ? context.chatId : context.externalUserId,
              answer,
              until: now() + KEEP_MS,
            };
    },
    takeContact: (externalUserId) => take(externalUserId) as ContactDetail | undefined,
    takeGroupChat: (chatId) => take(chatId) as GroupChatDetailResponse | undefined,
  };
}
