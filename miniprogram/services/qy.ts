import { ApiError } from './errors';
import type { Platform } from './platform';

type Entry = WechatMiniprogram.Qy.Entry;
type Result = WechatMiniprogram.Qy.CallbackResult;
type Callbacks<R extends Result> = {
  success: (result: R) => void;
  fail: (error: Result) => void;
};

/** wx.qy as promises, each failure an ApiError. No session logic here: see gate.ts. */
export interface Qy {
  login(): Promise<string>;
  /** Resolves false when WeCom says the session_key is gone. */
  checkSession(): Promise<boolean>;
  getContext(): Promise<Entry>;
  selectExternalContact(filterType: 0 | 1): Promise<string[]>;
  getCurExternalContact(): Promise<string>;
  getCurExternalChat(): Promise<string>;
}

export function createQy({ wx, loginTimeoutMs }: { wx: Platform; loginTimeoutMs: number }): Qy {
  const call = <R extends Result>(
    name: keyof WechatMiniprogram.Qy.Qy,
    invoke: (qy: WechatMiniprogram.Qy.Qy, callbacks: Callbacks<R>) => void,
  ) =>
    new Promise<R>((resolve, reject) => {
      if (wx.qy === undefined) {
        reject(new ApiError('env.not_wxwork', 'wx.qy is not available'));
        return;
      }
      invoke(wx.qy, {
        success: resolve,
        fail: ({ errMsg }) => reject(qyError(name, errMsg)),
      });
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
  };
}

function qyError(name: string, errMsg: string): ApiError {
  const cancelled = /:fail[ _]?cancel/i.test(errMsg);
  return new ApiError(cancelled ? 'qy.cancelled' : 'qy.failed', `wx.qy.${name}: ${errMsg}`);
}
