import type { Auth } from './auth';
import { CHAT_ENTRIES, CONTACT_ENTRIES } from './context';
import { ApiError } from './errors';
import type { EncryptedData, OptionalQyApi, Qy } from './qy';

type Entry = WechatMiniprogram.Qy.Entry;

/** Entries with a current chat that sendChatMessage can send into: the chat toolbars. */
const SEND_ENTRIES: readonly Entry[] = ['single_chat_tools', 'group_chat_tools'];

/**
 * The customer-facing wx.qy calls, each only after ensureSession succeeds, and the toolbar ones
 * only from the entry WeCom allows (checked with getContext first).
 */
export interface Gate {
  /** Where the mini-program was opened from. */
  entry(): Promise<Entry>;
  /** The employee picks customers; resolves their external_userid values. */
  selectExternalContact(filterType?: 0 | 1): Promise<string[]>;
  /** The customer of the current single chat or contact profile. */
  getCurExternalContact(): Promise<string>;
  /** The customer group of the current group chat. */
  getCurExternalChat(): Promise<string>;
  /** Whether this WeCom client has `api` (older versions and the developer tools lack some). */
  supports(api: OptionalQyApi): boolean;
  /** Whether there is a current chat to send into (opened from a chat toolbar) and the client can. */
  canSendChatMessage(): Promise<boolean>;
  /** Sends into the chat whose toolbar opened the mini-program. */
  sendChatMessage(message: WechatMiniprogram.Qy.ChatMessage): Promise<void>;
  /** The employee's own mobile or email, encrypted with this session's key. */
  getMobile(): Promise<EncryptedData>;
  getEmail(): Promise<EncryptedData>;
}

export function createGate({ auth, qy }: { auth: Auth; qy: Qy }): Gate {
  const entry = async (): Promise<Entry> => {
    await auth.ensureSession();
    return qy.getContext();
  };

  const requireEntry = async (allowed: readonly Entry[], api: string): Promise<void> => {
    const current = await entry();
    if (!allowed.includes(current)) {
      throw new ApiError('qy.entry_not_allowed', `${api} is not available from entry ${current}`, {
        data: { entry: current },
      });
    }
  };

  return {
    entry,
    async selectExternalContact(filterType = 0) {
      await auth.ensureSession();
      return qy.selectExternalContact(filterType);
    },
    async getCurExternalContact() {
      await requireEntry(CONTACT_ENTRIES, 'getCurExternalContact');
      return qy.getCurExternalContact();
    },
    async getCurExternalChat() {
      await requireEntry(CHAT_ENTRIES, 'getCurExternalChat');
      return qy.getCurExternalChat();
    },
    supports: (api) => qy.supports(api),
    async canSendChatMessage() {
      if (!qy.supports('sendChatMessage')) return false;
      return SEND_ENTRIES.includes(await entry());
    },
    async sendChatMessage(message) {
      await requireEntry(SEND_ENTRIES, 'sendChatMessage');
      return qy.sendChatMessage(message);
    },
    async getMobile() {
      await auth.ensureSession();
      return qy.getMobile();
    },
    async getEmail() {
      await auth.ensureSession();
      return qy.getEmail();
    },
  };
}
