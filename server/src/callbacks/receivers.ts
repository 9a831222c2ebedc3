import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import type { Feed } from '../stores/feed';
import type { Store } from '../stores/store';
import { type CallbackCrypto, type CallbackKeys, createCallbackCrypto } from './crypto';
import type { DirectoryChangeHandler } from './directory-handoff';
import { CallbackError, type CallbackFailure } from './errors';
import {
  type CallbackEvent,
  type Effect,
  type EventEntry,
  isReceiverName,
  type ReceiverName,
  sessionsToEnd,
  toCallbackEvent,
  toDirectoryChange,
} from './events';
import type { TaskQueue } from './queue';
import { parseEnvelope, parseXml } from './xml';

/**
 * The callback receivers (WeCom's 接收消息服务器). Per request:
 * 1. the receiver must be configured (else `not_configured`: an unknown route);
 * 2. the signed query is checked, the body read (bounded), the envelope parsed without markup
 *    declarations, the signature compared in constant time, the timestamp window checked, the
 *    ciphertext decrypted and its receiveid compared with the corp ID — any failure refuses the
 *    request before anything is changed;
 * 3. the event is claimed once cluster-wide under a hash of the decrypted message (WeCom retries
 *    re-send the same message; a retry may be re-encrypted, so the ciphertext is not the key);
 *    a duplicate is answered at once and changes nothing;
 * 4. the effects that are store operations run before the answer: cached customer or group
 *    details dropped on every instance, an employee's sessions ended; then the event is recorded
 *    in the events log; a directory change is queued for the org store's handler after that.
 *    If an effect fails, the claim is released and the error answered (5xx), so that WeCom's
 *    retry applies the event.
 */

export interface CallbackEffects {
  /** Drops a customer's cached detail here, in the store, and on every other instance. */
  forgetCustomer(externalUserId: string): Promise<void>;
  forgetGroupChat(chatId: string): Promise<void>;
  /** Ends every session of one employee; answers how many there were. */
  endSessions(userid: string): Promise<number>;
}

export interface CallbackReceiversDeps {
  /** Token and EncodingAESKey per configured receiver. */
  keys: Partial<Readonly<Record<ReceiverName, CallbackKeys>>>;
  corpId: string;
  store: Store;
  eventsLog: Feed<EventEntry>;
  effects: CallbackEffects;
  /** The org store's handler; without one, directory changes are only recorded. */
  onDirectoryChange?: DirectoryChangeHandler;
  /** Where directory changes wait for `onDirectoryChange`. */
  queue: TaskQueue;
  logger: Logger;
  now?: () => number;
  /** Metrics: accepted (applied or duplicate) and verified requests. */
  onAccepted?: (receiver: ReceiverName, outcome: 'verified' | 'applied' | 'duplicate') => void;
  /** Metrics: refused requests; `receiver` is `unknown` for a name that is not a receiver. */
  onRejected?: (receiver: ReceiverName | 'unknown', reason: CallbackFailure) => void;
}

export interface CallbackReceivers {
  /** The receivers that have keys. */
  readonly configured: readonly ReceiverName[];
  /** URL verification (GET): the decrypted echostr, to answer as plain text. */
  verifyUrl(receiver: string, query: Readonly<Record<string, unknown>>): Promise<string>;
  /** An event (POST); `readBody` reads the raw body (bounded) and is called only when needed. */
  deliver(
    receiver: string,
    query: Readonly<Record<string, unknown>>,
    readBody: () => Promise<string>,
  ): Promise<void>;
}

/** How long a delivered message is remembered: longer than the timestamp window and retries. */
export const DEDUPE_TTL_MS = 15 * 60 * 1000;

const single = (query: Readonly<Record<string, unknown>>, name: string): string => {
  const value = query[name];
  if (typeof value !== 'string') throw new CallbackError('malformed');
  return value;
};

export function createCallbackReceivers(deps: CallbackReceiversDeps): CallbackReceivers {
  const { store, eventsLog, effects, logger, now = Date.now } = deps;
  const cryptos = new Map<ReceiverName, CallbackCrypto>();
  for (const [name, keys] of Object.entries(deps.keys) as [ReceiverName, CallbackKeys][]) {
    if (keys) cryptos.set(name, createCallbackCrypto({ keys, receiveId: deps.corpId, now }));
  }

  /** Runs one request; a refusal is counted (reason only) and thrown on. */
  async function refusing<T>(
    receiver: string,
    work: (name: ReceiverName, crypto: CallbackCrypto) => Promise<T>,
  ): Promise<T> {
    const name = isReceiverName(receiver) ? receiver : undefined;
    try {
      const crypto = name && cryptos.get(name);
      if (!name || !crypto) throw new CallbackError('not_configured');
      return await work(name, crypto);
    } catch (error) {
      if (error instanceof CallbackError) deps.onRejected?.(name ?? 'unknown', error.reason);
      throw error;
    }
  }

  const signed = (query: Readonly<Record<string, unknown>>) => ({
    msgSignature: single(query, 'msg_signature'),
    timestamp: single(query, 'timestamp'),
    nonce: single(query, 'nonce'),
  });

  async function apply(receiver: ReceiverName, event: CallbackEvent): Promise<void> {
    const done: Effect[] = [];
    if (event.event === 'change_external_contact' && event.ids.externalUserId) {
      await effects.forgetCustomer(event.ids.externalUserId);
      done.push('customer_dropped');
    }
    if (event.event === 'change_external_chat' && event.ids.chatId) {
      await effects.forgetGroupChat(event.ids.chatId);
      done.push('group_dropped');
    }
    const leaving = sessionsToEnd(event);
    if (leaving) {
      const ended = await effects.endSessions(leaving);
      logger.info({ receiver, userid: leaving, sessions: ended }, 'callback: sessions ended');
      done.push('sessions_ended');
    }
    const directory = event.event === 'change_contact';
    if (directory) done.push(deps.onDirectoryChange ? 'handed_off' : 'recorded');
    const at = new Date(now()).toISOString();
    const [entry] = await eventsLog.append([
      {
        at,
        receiver,
        event: event.event,
        changeType: event.changeType,
        ids: event.ids,
        effect: done.length > 0 ? done.join('+') : 'none',
      },
    ]);
    const handler = deps.onDirectoryChange;
    if (directory && handler && entry) {
      const change = toDirectoryChange(event, { seq: entry.seq, at });
      if (!deps.queue.push(() => handler(change)))
        logger.warn(
          { seq: entry.seq, changeType: change.changeType },
          'callback: directory hand-off queue full; the next full org sync catches this change up',
        );
    }
  }

  return {
    configured: [...cryptos.keys()],
    verifyUrl: (receiver, query) =>
      refusing(receiver, async (name, crypto) => {
        const echo = crypto.openEcho(signed(query), single(query, 'echostr'));
        deps.onAccepted?.(name, 'verified');
        return echo;
      }),
    deliver: (receiver, query, readBody) =>
      refusing(receiver, async (name, crypto) => {
        const signedQuery = signed(query);
        const envelope = parseEnvelope(await readBody());
        const message = crypto.openMessage(signedQuery, envelope.encrypt);
        const event = toCallbackEvent(parseXml(message));
        const claim = `callback:seen:${name}:${createHash('sha256').update(message).digest('base64url')}`;
        if (!(await store.setIfAbsent(claim, String(now()), DEDUPE_TTL_MS))) {
          deps.onAccepted?.(name, 'duplicate');
          return;
        }
        try {
          await apply(name, event);
        } catch (error) {
          await store.delete(claim).catch(() => undefined);
          throw error;
        }
        deps.onAccepted?.(name, 'applied');
      }),
  };
}
