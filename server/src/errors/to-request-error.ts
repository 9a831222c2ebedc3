import { StoreUnavailableError } from '../stores/store';
import { RATE_LIMITED, shortFix, TRANSIENT } from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import { RequestError } from './request-error';

/**
 * Maps anything thrown inside a request to the error answer of DESIGN §4. WeCom refusals become
 * `wecom.rejected` with the errcode, WeCom's trace id and a short fix — never the `from ip`.
 */
export function toRequestError(error: unknown): RequestError {
  if (error instanceof RequestError) return error;
  if (error instanceof StoreUnavailableError)
    return new RequestError('store.unavailable', { cause: error });
  if (error instanceof WecomUnavailableError) {
    return new RequestError('wecom.unavailable', { cause: error });
  }
  if (error instanceof WecomApiError) {
    if (TRANSIENT.has(error.errcode) || RATE_LIMITED.has(error.errcode)) {
      return new RequestError('wecom.unavailable', {
        cause: error,
        data: { errcode: error.errcode },
      });
    }
    return new RequestError('wecom.rejected', {
      cause: error,
      data: {
        errcode: error.errcode,
        hint: error.hint,
        fix: shortFix(error.errcode, { api: error.api, credential: error.credential }),
      },
    });
  }
  return new RequestError('internal.unknown', { cause: error });
}
