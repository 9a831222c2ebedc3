import type { ClientErrorCode } from '../services/errors';
import { isApiError } from '../services/errors';
import type { WecomRejectedData } from '../typings/api';

const SESSION = '登录已过期，请重新打开';
const RETRY_LATER = '服务暂时不可用，请稍后重试';

/** What the employee reads for each error code: short, and saying what to do. */
const TEXT: Record<ClientErrorCode, string> = {
  'guard.invalid_input': '请求参数有误，请重新打开后再试',
  'request.too_large': '选择的内容过多，请减少后重试',
  'request.unsupported_encoding': '请求格式有误，请更新小程序',
  'request.not_found': '功能暂不可用，请更新小程序',
  'request.rate_limited': '操作太频繁，请稍后再试',
  'auth.unauthenticated': SESSION,
  'auth.session_expired': SESSION,
  'auth.invalid_code': '登录失败，请重新打开小程序',
  'auth.corp_mismatch': '当前企业未开通此应用，请联系管理员',
  'auth.forbidden': '你没有权限进行此操作',
  'contact.not_followed': '该客户不是你的客户',
  'contact.not_found': '客户不存在或已被删除',
  'contact.outside_visible_range':
    '你不在本应用的可见范围内，暂时看不到客户和客户群。请联系管理员把你加入应用的可见范围',
  'groupchat.not_member': '你不在该客户群中',
  'groupchat.not_found': '客户群不存在或已解散',
  'wecom.rejected': '企业微信接口调用失败，请联系管理员',
  'wecom.unavailable': '企业微信繁忙，请稍后重试',
  'store.unavailable': RETRY_LATER,
  'org.sync_running': '组织架构正在同步，请稍后再试',
  'feed.expired': '记录已过期，请刷新后重试',
  'auth.invalid_state': '登录已失效，请重新登录',
  'auth.not_member': '你不是本企业成员，无法使用',
  'jssdk.url_not_allowed': '页面地址未登记，请联系管理员',
  'internal.unknown': RETRY_LATER,
  'network.failed': '网络异常，请稍后重试',
  'network.bad_response': RETRY_LATER,
  'env.not_wxwork': '请在企业微信中打开',
  'qy.failed': '企业微信接口调用失败，请联系管理员',
  'qy.cancelled': '已取消',
  'qy.entry_not_allowed': '请从聊天工具栏或客户详情页打开',
  'qy.unsupported': '当前企业微信版本不支持此功能，请升级后重试',
  'demo.unavailable': '演示登录不可用，请重新打开小程序',
};

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
