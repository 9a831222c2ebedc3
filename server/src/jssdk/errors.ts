/**
 * Why a JS-SDK signature was refused. The HTTP edge (middleware/error-mapping.ts) turns each
 * reason into an error code; nothing here knows about HTTP.
 */
export type JssdkFailure =
  /** Not a URL under PUBLIC_BASE_URL (its origin and path prefix) without user info. */
  'url_not_allowed';

export class JssdkError extends Error {
  readonly reason: JssdkFailure;

  constructor(reason: JssdkFailure, options: { message?: string; cause?: unknown } = {}) {
    super(options.message ?? reason, { cause: options.cause });
    this.name = 'JssdkError';
    this.reason = reason;
  }
}
