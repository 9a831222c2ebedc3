import { z } from 'zod';
import type { Logger } from '../logger';
import { type Store, StoreUnavailableError } from '../stores/store';
import type { Customers } from './customers';
import type { GroupChats } from './group-chats';

/**
 * Drops a customer's or group's cached detail on every instance. The instance that learns of the
 * change deletes the store entry and its own memo, then publishes `forget` over the store's
 * pub/sub; every instance (itself included) drops its in-process memo on the message. A message
 * lost while an instance's subscription reconnects leaves its memo stale for at most the memo's
 * few seconds; the store entry is already gone.
 */
export interface ContactsInvalidation {
  forgetCustomer(externalUserId: string): Promise<void>;
  forgetGroupChat(chatId: string): Promise<void>;
  /** Resolves once this instance receives the broadcast (start-up, tests). */
  readonly listening: Promise<void>;
  close(): Promise<void>;
}

export const INVALIDATION_CHANNEL = 'contacts:forget';
const RESUBSCRIBE_MS = 5000;

const messageSchema = z.object({
  kind: z.enum(['customer', 'groupchat']),
  id: z.string().min(1).max(256),
});

export function createContactsInvalidation(deps: {
  store: Store;
  customers: Customers;
  groupChats: GroupChats;
  logger: Logger;
}): ContactsInvalidation {
  const { store, customers, groupChats, logger } = deps;
  let closed = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let retry: NodeJS.Timeout | undefined;

  const onMessage = (raw: string) => {
    let message: z.infer<typeof messageSchema>;
    try {
      message = messageSchema.parse(JSON.parse(raw));
    } catch {
      logger.warn('contacts invalidation: malformed message ignored');
      return;
    }
    const target = message.kind === 'customer' ? customers : groupChats;
    target.forgetLocally(message.id).catch((error: unknown) => {
      logger.warn({ err: (error as Error).message }, 'contacts invalidation: drop failed');
    });
  };

  const listening = new Promise<void>((resolve) => {
    const attempt = () => {
      if (closed) return resolve();
      store.subscribe(INVALIDATION_CHANNEL, onMessage).then(
        (stop) => {
          unsubscribe = stop;
          resolve();
        },
        (error: unknown) => {
          // An unreachable store is the store's to report (once per outage).
          logger[error instanceof StoreUnavailableError ? 'debug' : 'warn'](
            { err: (error as Error).message },
            'contacts invalidation: cannot subscribe yet; retrying',
          );
          retry = setTimeout(attempt, RESUBSCRIBE_MS);
          retry.unref();
        },
      );
    };
    attempt();
  });

  const broadcast = async (kind: 'customer' | 'groupchat', id: string) => {
    await (kind === 'customer' ? customers.forget(id) : groupChats.forget(id));
    await store.publish(INVALIDATION_CHANNEL, JSON.stringify({ kind, id }));
  };

  return {
    forgetCustomer: (id) => broadcast('customer', id),
    forgetGroupChat: (id) => broadcast('groupchat', id),
    listening,
    async close() {
      closed = true;
      clearTimeout(retry);
      await unsubscribe?.();
    },
  };
}
