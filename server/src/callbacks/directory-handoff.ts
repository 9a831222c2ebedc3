/**
 * How directory changes (`change_contact` events: members, departments, tags) leave the callback
 * receiver. The org store registers a `DirectoryChangeHandler`; the receiver records each accepted
 * event, answers WeCom, and then runs the handler from a bounded in-process queue (a re-read of a
 * member or department may take WeCom calls, which must not hold up the answer). Without a
 * handler the event is only recorded in the events log (effect `recorded`).
 */
export interface DirectoryChange {
  /** create_user, update_user, delete_user, create_party, update_party, delete_party, update_tag. */
  changeType: string;
  /** The member (create/update/delete_user). */
  userId?: string;
  /** update_user: the member's new userid (the old one is `userId`). */
  newUserId?: string;
  /** The member's departments (create/update_user), split from WeCom's comma-separated list. */
  departmentIds?: string[];
  /** The department (create/update/delete_party). */
  departmentId?: string;
  /** The department's parent (create/update_party). */
  parentId?: string;
  /** The tag (update_tag). */
  tagId?: string;
  /** WeCom's CreateTime, seconds since the epoch. */
  createTime?: number;
  /** When this instance accepted the event (ISO 8601). */
  receivedAt: string;
  /** `seq` of the event in the events log (`GET /api/admin/events`). */
  seq: string;
  /** Every text field of the event as WeCom sent it, for what is not named above. */
  fields: Readonly<Record<string, string>>;
}

/** Called once per accepted directory change, cluster-wide (duplicates are dropped before). */
export type DirectoryChangeHandler = (change: DirectoryChange) => Promise<void>;
