import { ApiError } from '../../../miniprogram/services/errors';
import { type ErrorCode, errorCodes } from '../../../miniprogram/shared/errors';
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

  it.each(Object.keys(errorCodes) as ErrorCode[])(
    "should say the error registry's mini-program text for %s",
    (code) => {
      expect(errorText(new ApiError(code, 'x'))).toBe(errorCodes[code].zh.miniProgram);
    },
  );

  it('should say what a changed row of the error registry says, with nothing else edited', () => {
    jest.isolateModules(() => {
      // A fresh copy of the registry with one text changed, then the modules that read it.
      const registry = require('../../../miniprogram/shared/errors') as {
        errorCodes: typeof errorCodes;
      };
      const row = registry.errorCodes['contact.not_followed'];
      Object.assign(row, { zh: { ...row.zh, miniProgram: '测试文字' } });
      const fresh = {
        ...(require('../../../miniprogram/services/errors') as { ApiError: typeof ApiError }),
        ...(require('../../../miniprogram/utils/error-text') as { errorText: typeof errorText }),
      };
      expect(fresh.errorText(new fresh.ApiError('contact.not_followed', 'x'))).toBe('测试文字');
    });
  });
});
