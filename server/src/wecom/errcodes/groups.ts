/** WeCom errcodes that mean the same thing to the code that calls WeCom. */

/** externalcontact/get: no such customer, or no longer anyone's here. */
export const CUSTOMER_NOT_FOUND: ReadonlySet<number> = new Set([40096, 84061]);
/** groupchat/get: bad chat id or not a customer group. */
export const GROUP_NOT_FOUND: ReadonlySet<number> = new Set([40050, 86001, 90501]);
/** A refusal about one customer or group (its owner is outside the app's visible range). */
export const RESOURCE_HIDDEN: ReadonlySet<number> = new Set([60011]);
/** The caller's cursor is not valid. */
export const INVALID_CURSOR: ReadonlySet<number> = new Set([40058]);
