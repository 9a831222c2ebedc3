/**
 * Why a customer or group read was refused. The HTTP edge (middleware/error-mapping.ts) turns each
 * reason into an error code. A customer or group that WeCom refuses to show (hidden) is reported
 * exactly like one that does not exist, so that a refusal does not tell which hidden ids exist.
 */
export type ContactsFailure =
  | 'customer_not_found'
  | 'customer_not_followed'
  | 'group_not_found'
  | 'group_not_member'
  /** The caller's paging cursor is not valid (WeCom 40058). */
  | 'invalid_cursor'
  /** WeCom refused the employee's own list: they are outside the app's visible range (60011). */
  | 'outside_visible_range';

export class ContactsError extends Error {
  readonly reason: ContactsFailure;

  constructor(reason: ContactsFailure, options: { cause?: unknown } = {}) {
    super(reason, options);
    this.name = 'ContactsError';
    this.reason = reason;
  }
}
