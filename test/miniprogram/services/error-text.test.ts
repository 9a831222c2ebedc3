import { ApiError } from '../../../miniprogram/services/errors';
import { errorText } from '../../../miniprogram/utils/error-text';

describe('utils/error-text', () => {
  it('should tell the employee to contact the admin with the errcode of wecom.rejected', () => {
    const error = new ApiError('wecom.rejected', 'x', { status: 502, data: { errcode: 48002 } });
    expect(errorText(error)).toBe('企业微信接口调用失败（错误码 48002），请联系管理员');
  });

  it.each([
    ['auth.session_expired', '登录已过期，请重新打开'],
    ['auth.unauthenticated', '登录已过期，请重新打开'],
    ['contact.not_followed', '该客户不是你的客户'],
    ['network.failed', '网络异常，请稍后重试'],
    ['env.not_wxwork', '请在企业微信中打开'],
  ] as const)('should say %s in Chinese', (code, text) => {
    expect(errorText(new ApiError(code, 'x'))).toBe(text);
  });

  it('should fall back to a generic message for anything that is not an ApiError', () => {
    expect(errorText(new TypeError('boom'))).toBe('服务暂时不可用，请稍后重试');
  });
});
