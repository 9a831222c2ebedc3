/**
 * Why a webhook request was refused. The HTTP edge (middleware/error-mapping.ts) turns each reason
 * into an error code; nothing here knows about HTTP.
 */
export type WebhookFailure =
  /** No such endpoint, or no such delivery of it. */
  | 'not_found'
  /**
   * Not https (outside sandbox mode), or the address it resolves to (or connects to) is loopback,
   * private, link-local, CGNAT, multicast or a cloud metadata address.
   */
  | 'url_not_allowed'
  /** Creating one more endpoint than the most kept (`MAX_ENDPOINTS`). */
  | 'limit_reached';

export class WebhookError extends Error {
  readonly reason: WebhookFailure;
  /** What exactly was refused (safe to show an admin), in English. */
  readonly detail?: string;

  constructor(reason: WebhookFailure, options: { detail?: string; cause?: unknown } = {}) {
    super(options.detail ? `${reason}: ${options.detail}` : reason, { cause: options.cause });
    this.name = 'WebhookError';
    this.reason = reason;
    this.detail = options.detail;
  }
}
