import type { ClientErrorCode, LocalErrorCode } from '../services/errors';
import { isApiError } from '../services/errors';
import { errorTexts } from '../shared/errors';
import type { WecomRejectedData } from '../typings/api';

/** What the employee reads for a server's code: the error registry's mini-program texts. */
const SERVER_TEXT = errorTexts('miniProgram');
/** What the employee reads for anything that is not one of ours (a bug, a broken answer). */
const RETRY_LATER = SERVER_TEXT['internal.unknown'];

/** What the employee reads for the codes raised on the device: short, and saying what to do. */
const LOCAL_TEXT: Record<LocalErrorCode, string> = {
  'network.failed': '网络异常，请稍后重试',
  'network.bad_response': RETRY_LATER,
  'env.not_wxwork': '请在企业微信中打开',
  'qy.failed': '企业微信接口调用失败，请联系管理员',
  'qy.cancelled': '已取消',
  'qy.entry_not_allowed': '请从聊天工具栏或客户详情页打开',
  'qy.unsupported': '当前企业微信版本不支持此功能，请升级后重试',
  'demo.unavailable': '演示登录不可用，请重新打开小程序',
};

/** Every code an ApiError can carry: a local code without its text fails to compile. */
const TEXT: Readonly<Record<ClientErrorCode, string>> = { ...SERVER_TEXT, ...LOCAL_TEXT };

/** The Chinese message for any error a service throws. */
export function errorText(error: unknown): string {
  if (!isApiError(error)) return RETRY_LATER;
  if (error.code === 'wecom.rejected') {
    const errcode = (error.data as Partial<WecomRejectedData> | undefined)?.errcode;
    if (typeof errcode === 'number') {
      return `企业微信接口调用失败（错误码 ${errcode}），请联系管理员`;
    }
  }
  return TEXT[error.code];
}
