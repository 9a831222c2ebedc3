import type { EventEntry } from '../callbacks/events';
import type { OrgChange } from '../org';
import type { Feed } from '../stores/feed';
import type { WebhookEventType } from './model';

/**
 * The feeds webhooks carry, each with its name (the lane's position key and part of each message's
 * `webhook-id`) and the event type of each record (undefined: not delivered, passed over).
 */
export interface WebhookSource {
  name: string;
  feed: Feed<object>;
  typeOf(record: object): WebhookEventType | undefined;
}

export function orgSource(feed: Feed<OrgChange>): WebhookSource {
  return {
    name: 'org',
    feed,
    typeOf: (record) => {
      const { kind, op } = record as OrgChange;
      return `org.${kind}.${op}`;
    },
  };
}

/**
 * Callback events: a customer's or a group's change, and an employee whose sessions ended
 * (deleted, or their userid changed). Directory changes reach the org feed; other events are
 * passed over.
 */
export function eventsSource(feed: Feed<EventEntry>): WebhookSource {
  return {
    name: 'events',
    feed,
    typeOf: (record) => {
      const { event, effect } = record as EventEntry;
      if (effect.split('+').includes('sessions_ended')) return 'employee.sessions_ended';
      if (event === 'change_external_contact') return 'customer.changed';
      if (event === 'change_external_chat') return 'groupchat.changed';
      return undefined;
    },
  };
}
