import { ApiError } from './errors';
import type { Platform } from './platform';

type QyApi = WechatMiniprogram.Qy.Qy;
type Entry = WechatMiniprogram.Qy.Entry;
type Result = WechatMiniprogram.Qy.CallbackResult;
type Callbacks<R extends Result> = {
  success: (result: R) => void;
  fail: (error: Result) => void;
};

/** The wx.qy APIs that not every WeCom client has. */
export type OptionalQyApi = 'getMobile' | 'getEmail' | 'sendChatMessage';

/** What getMobile / getEmail hand over: decrypted by the server with this session's key. */
export interface EncryptedData {
  encryptedData: string;
  iv: string;
}

/** wx.qy as promises, each failure an ApiError. No session logic here: see gate.ts. */
export interface Qy {
  login(): Promise<string>;
  /** Resolves false when WeCom says the session_key is gone. */
  checkSession(): Promise<boolean>;
  getContext(): Promise<Entry>;
  selectExternalContact(filterType: 0 | 1): Promise<string[]>;
  getCurExternalContact(): Promise<string>;
  getCurExternalChat(): Promise<string>;
  /** Whether this client has `api` (older WeCom versions and the developer tools lack some). */
  supports(api: OptionalQyApi): boolean;
  /** The employee's own mobile, after WeCom asked for consent. */
  getMobile(): Promise<EncryptedData>;
  /** The employee's own email, after WeCom asked for consent. */
  getEmail(): Promise<EncryptedData>;
  sendChatMessage(message: WechatMiniprogram.Qy.ChatMessage): Promise<void>;
}

export function createQy({ wx, loginTimeoutMs }: { wx: Platform; loginTimeoutMs: number }): Qy {
  const call = <R extends Result>(
    name: keyof QyApi,
    invoke: (qy: QyApi, callbacks: Callbacks<R>) => void,
  ) =>
    new Promise<R>((resolve, reject) => {
      if (wx.qy === undefined) {
        reject(new ApiError('env.not_wxwork', 'wx.qy is not available'));
        return;
      }
      if (typeof wx.qy[name] !== 'function') {
        reject(new ApiError('qy.unsupported', `wx.qy.${name} is not available in this client`));
        return;
      }
      invoke(wx.qy, {
        success: resolve,
        fail: ({ errMsg }) => reject(qyError(name, errMsg)),
      });
    });

  const encrypted = (result: WechatMiniprogram.Qy.EncryptedDataResult): EncryptedData => ({
    encryptedData: result.encryptedData,
    iv: result.iv,
  });

  return {
    login: () =>
      call<WechatMiniprogram.Qy.LoginSuccessResult>('login', (qy, cb) =>
        qy.login({ ...cb, timeout: loginTimeoutMs }),
      ).then((r) => r.code),
    checkSession: () =>
      call('checkSession', (qy, cb) => qy.checkSession(cb)).then(
        () => true,
        (error: ApiError) => {
          if (error.code === 'env.not_wxwork') throw error;
          return false;
        },
      ),
    getContext: () =>
      call<WechatMiniprogram.Qy.GetContextSuccessResult>('getContext', (qy, cb) =>
        qy.getContext(cb),
      ).then((r) => r.entry),
    selectExternalContact: (filterType) =>
      call<WechatMiniprogram.Qy.SelectExternalContactSuccessResult>(
        'selectExternalContact',
        (qy, cb) => qy.selectExternalContact({ ...cb, filterType }),
      ).then((r) => r.userIds),
    getCurExternalContact: () =>
      call<WechatMiniprogram.Qy.GetCurExternalContactSuccessResult>(
        'getCurExternalContact',
        (qy, cb) => qy.getCurExternalContact(cb),
      ).then((r) => r.userId),
    getCurExternalChat: () =>
      call<WechatMiniprogram.Qy.GetCurExternalChatSuccessResult>('getCurExternalChat', (qy, cb) =>
        qy.getCurExternalChat(cb),
      ).then((r) => r.chatId),
    supports: (api) => typeof wx.qy?.[api] === 'function',
    getMobile: () =>
      call<WechatMiniprogram.Qy.EncryptedDataResult>('getMobile', (qy, cb) =>
        qy.getMobile?.(cb),
      ).then(encrypted),
    getEmail: () =>
      call<WechatMiniprogram.Qy.EncryptedDataResult>('getEmail', (qy, cb) =>
        qy.getEmail?.(cb),
      ).then(encrypted),
    sendChatMessage: (message) =>
      call('sendChatMessage', (qy, cb) => qy.sendChatMessage?.({ ...message, ...cb })).then(
        () => undefined,
      ),
  };
}

/** A declined consent dialog or picker reads `…:fail cancel` (or `…:fail auth deny`). */
function qyError(name: string, errMsg: string): ApiError {
  const cancelled = /:fail[ _]?(cancel|auth ?deny)/i.test(errMsg);
  return new ApiError(cancelled ? 'qy.cancelled' : 'qy.failed', `wx.qy.${name}: ${errMsg}`);
}
