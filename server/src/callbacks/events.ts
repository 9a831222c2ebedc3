import { z } from 'zod';
import { createFeed, type Feed } from '../stores/feed';
import type { Store, StreamRange } from '../stores/store';
import type { DirectoryChange } from './directory-handoff';
import { text, type XmlFields } from './xml';

/** The receivers: the app's 接收消息 URL and the 通讯录同步 URL, each with its own keys. */
export const RECEIVERS = ['app', 'directory'] as const;
export type ReceiverName = (typeof RECEIVERS)[number];

export const isReceiverName = (name: string): name is ReceiverName =>
  (RECEIVERS as readonly string[]).includes(name);

/**
 * What one accepted event changed, as recorded in the events log:
 * - `customer_dropped`: the customer's cached detail was dropped on every instance;
 * - `group_dropped`: the same for a customer group;
 * - `sessions_ended`: every session of the employee ended (deleted, or their userid changed);
 * - `handed_off`: given to the org store's handler (directory changes);
 * - `recorded`: a directory change with no org store to hand it to, only recorded here;
 * - `none`: accepted, nothing to change (other events and messages).
 * An event may have several: they are joined with `+` (`sessions_ended+handed_off`).
 */
export type Effect =
  | 'customer_dropped'
  | 'group_dropped'
  | 'sessions_ended'
  | 'handed_off'
  | 'recorded'
  | 'none';

const idsSchema = z
  .object({
    userId: z.string(),
    newUserId: z.string(),
    externalUserId: z.string(),
    chatId: z.string(),
    departmentId: z.string(),
    tagId: z.string(),
  })
  .partial();
export type EventIds = z.infer<typeof idsSchema>;

export const eventEntrySchema = z.object({
  at: z.string(),
  receiver: z.enum(RECEIVERS),
  event: z.string(),
  changeType: z.string().optional(),
  ids: idsSchema,
  effect: z.string(),
});
export type EventEntry = z.infer<typeof eventEntrySchema>;

/** Entries kept in the events log at most, within its retention (the oldest go first). */
export const EVENTS_LOG_LENGTH = 10_000;

export function createEventsLog(
  store: Store,
  options: { retentionDays: number; now?: () => number },
): Feed<EventEntry> {
  return createFeed(store, {
    name: 'callback-events',
    schema: eventEntrySchema,
    retentionDays: options.retentionDays,
    maxLength: EVENTS_LOG_LENGTH,
    now: options.now,
  });
}

/** An accepted, decrypted callback in the shape the receiver acts on. */
export interface CallbackEvent {
  /** `Event` for events (`change_external_contact`, …), else `MsgType` (`text`, …). */
  event: string;
  changeType?: string;
  ids: EventIds;
  createTime?: number;
  fields: XmlFields;
}

/** Ids are WeCom's: printable, bounded; anything else is left out rather than trusted. */
const idOf = (fields: XmlFields, name: string): string | undefined => {
  const value = text(fields, name);
  return value !== undefined && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
};

export function toCallbackEvent(fields: XmlFields): CallbackEvent {
  const msgType = text(fields, 'MsgType') ?? '';
  const name = (msgType === 'event' ? text(fields, 'Event') : msgType) || 'unknown';
  const createTime = Number(text(fields, 'CreateTime'));
  const ids: EventIds = {
    userId: idOf(fields, 'UserID'),
    newUserId: idOf(fields, 'NewUserID'),
    externalUserId: idOf(fields, 'ExternalUserID'),
    chatId: idOf(fields, 'ChatId'),
    departmentId: name === 'change_contact' ? idOf(fields, 'Id') : undefined,
    tagId: idOf(fields, 'TagId'),
  };
  return {
    event: name.slice(0, 64),
    changeType: text(fields, 'ChangeType')?.slice(0, 64) || undefined,
    ids: Object.fromEntries(Object.entries(ids).filter(([, id]) => id !== undefined)),
    createTime: Number.isSafeInteger(createTime) ? createTime : undefined,
    fields,
  };
}

/** Employees whose sessions end with this event: deleted, or their userid changed. */
export function sessionsToEnd(event: CallbackEvent): string | undefined {
  if (event.event !== 'change_contact' || !event.ids.userId) return undefined;
  if (event.changeType === 'delete_user') return event.ids.userId;
  if (event.changeType === 'update_user' && event.ids.newUserId) return event.ids.userId;
  return undefined;
}

export function toDirectoryChange(
  event: CallbackEvent,
  accepted: { seq: string; at: string },
): DirectoryChange {
  const textFields = Object.fromEntries(
    Object.entries(event.fields).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  const departments = text(event.fields, 'Department');
  return {
    changeType: event.changeType ?? '',
    userId: event.ids.userId,
    newUserId: event.ids.newUserId,
    departmentIds: departments
      ? departments
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean)
      : undefined,
    departmentId: event.ids.departmentId,
    parentId: text(event.fields, 'ParentId') || undefined,
    tagId: event.ids.tagId,
    createTime: event.createTime,
    receivedAt: accepted.at,
    seq: accepted.seq,
    fields: textFields,
  };
}

/** A read of the events log: a range and page size, and which events to keep. */
export interface EventsQuery {
  range: StreamRange;
  limit: number;
  receiver?: ReceiverName;
  /** The event's name (`change_external_contact`, `text`, …). */
  event?: string;
}

/**
 * A page of the events log for `GET /api/admin/events`: `next` is the following `after` (or
 * `before`); `FeedExpiredError` for an `after` older than the log keeps.
 */
export async function readEvents(
  log: Feed<EventEntry>,
  query: EventsQuery,
): Promise<{ events: (EventEntry & { seq: string })[]; next: string | null }> {
  const { receiver, event } = query;
  const { entries, next } = await log.read({
    range: query.range,
    limit: query.limit,
    filter:
      receiver || event
        ? (entry) => (!receiver || entry.receiver === receiver) && (!event || entry.event === event)
        : undefined,
  });
  return { events: entries, next };
}
