import { randomBytes } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';

/**
 * WeCom's side of the callbacks (接收消息服务器): the WeCom admin's URL verification when an admin
 * saves a callback URL, and the encrypted POST of each event, with retries when the answer is not
 * a 200 within the deadline (WeCom: 5 s, then retried; tests shorten it). Each attempt is
 * encrypted afresh (new random bytes, nonce and timestamp), so the receiver cannot dedupe on the
 * ciphertext. Written against `@wecom/crypto` directly, independent of the gateway's wrapper.
 */

export type CallbackReceiver = 'app' | 'directory';
/** A corp's receivers, or a provider's 指令回调 URL of one suite (`suite`). */
export type PushReceiver = CallbackReceiver | 'suite';

export interface CallbackTarget {
  /** The receiver URL, e.g. `http://127.0.0.1:3000/wecom/callback/app`. */
  url: string;
  token: string;
  encodingAesKey: string;
}

export interface VerificationResult {
  verified: boolean;
  /** HTTP status of the gateway's answer (absent when it did not answer in time). */
  status?: number;
  /** Why the WeCom admin would show 回调URL校验失败. */
  reason?: string;
}

export interface DeliveryAttempt {
  /**
   * HTTP status, or what happened instead; `not success`: a 200 whose body is not the `success`
   * a suite's 指令回调 must answer.
   */
  outcome: number | 'timeout' | 'unreachable' | 'not success';
  ms: number;
}

export interface Delivery {
  id: number;
  receiver: PushReceiver;
  /** The Event, or a suite message's InfoType. */
  event: string;
  changeType?: string;
  attempts: DeliveryAttempt[];
  /** True when an attempt got a 200 in time. */
  delivered: boolean;
}

export interface CallbackPusherOptions {
  /** The receiveid and the envelope's ToUserName: the corp ID, or a suite's ID. */
  corpId: string;
  /** The app's AgentID in the envelope (app and suite receivers; a suite's is empty). */
  agentId: string;
  /** The plain body an answer must have to count as delivered (a suite's: `success`). */
  expectAnswer?: string;
  now: () => number;
  /** An event POST must be answered 200 within this (WeCom: 5000 ms). */
  deadlineMs?: number;
  /** Retries after the first attempt (WeCom: "总共重试三次"). */
  retries?: number;
  retryDelayMs?: number;
  /** The URL verification must be answered within this (WeCom: 1000 ms). */
  verifyDeadlineMs?: number;
  /** Each Token and key the pusher is given (the tests' leak check). */
  remember?: (secret: string) => void;
}

export type EventFields = Readonly<Record<string, string | readonly string[]>>;

export interface CallbackPusher<R extends PushReceiver = CallbackReceiver> {
  /** The WeCom admin's 保存: verifies the URL; only a verified target is kept. */
  register(receiver: R, target: CallbackTarget): Promise<VerificationResult>;
  unregister(receiver: R): void;
  registered(receiver: R): boolean;
  /**
   * Sends an event (fields after the common ToUserName/FromUserName/CreateTime/MsgType) to the
   * receiver, retrying as WeCom does; `copies` sends the same message that many times (a
   * duplicate delivery). Answers undefined when no URL is registered for the receiver.
   */
  push(
    receiver: R,
    fields: EventFields,
    options?: { copies?: number },
  ): Promise<Delivery[] | undefined>;
  /**
   * Sends a plain XML message built by the caller (a suite's `<xml><SuiteId>…`), labelled
   * `event` in the log; undefined when no URL is registered for the receiver.
   */
  pushMessage(receiver: R, message: string, event: string): Promise<Delivery | undefined>;
  /** The most recent deliveries, oldest first (bounded). */
  deliveries(): Delivery[];
}

const MAX_REMEMBERED_DELIVERIES = 1000;

const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

function eventXml(corpId: string, createTime: number, fields: EventFields): string {
  const body = Object.entries(fields)
    .map(([name, value]) =>
      typeof value === 'string'
        ? `<${name}>${cdata(value)}</${name}>`
        : `<${name}>${value.map((item) => `<Item>${cdata(item)}</Item>`).join('')}</${name}>`,
    )
    .join('');
  return `<xml><ToUserName>${cdata(corpId)}</ToUserName><FromUserName>${cdata('sys')}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType>${body}</xml>`;
}

export function createCallbackPusher<R extends PushReceiver = CallbackReceiver>(
  options: CallbackPusherOptions,
): CallbackPusher<R> {
  const { corpId, now } = options;
  const deadlineMs = options.deadlineMs ?? 5000;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const verifyDeadlineMs = options.verifyDeadlineMs ?? 1000;
  const targets = new Map<R, CallbackTarget>();
  const log: Delivery[] = [];
  let nextId = 1;

  const signedQuery = (target: CallbackTarget, ciphertext: string) => {
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    return new URLSearchParams({
      msg_signature: getSignature(target.token, timestamp, nonce, ciphertext),
      timestamp,
      nonce,
    });
  };
  const withQuery = (url: string, query: URLSearchParams) =>
    `${url}${url.includes('?') ? '&' : '?'}${query}`;

  async function attempt(
    target: CallbackTarget,
    receiver: R,
    message: string,
  ): Promise<DeliveryAttempt> {
    const ciphertext = encrypt(target.encodingAesKey, message, corpId);
    const envelope = `<xml><ToUserName>${cdata(corpId)}</ToUserName><Encrypt>${cdata(ciphertext)}</Encrypt>${
      receiver === 'directory' ? '' : `<AgentID>${cdata(options.agentId)}</AgentID>`
    }</xml>`;
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(withQuery(target.url, signedQuery(target, ciphertext)), {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: envelope,
        signal: AbortSignal.timeout(deadlineMs),
      });
      const text = await response.text();
      if (
        response.status === 200 &&
        options.expectAnswer !== undefined &&
        text !== options.expectAnswer
      )
        return { outcome: 'not success', ms: ms() };
      return { outcome: response.status, ms: ms() };
    } catch (error) {
      const name = (error as Error).name;
      return { outcome: name === 'TimeoutError' ? 'timeout' : 'unreachable', ms: ms() };
    }
  }

  async function deliver(
    target: CallbackTarget,
    receiver: R,
    message: string,
    label: Pick<Delivery, 'event' | 'changeType'>,
  ): Promise<Delivery> {
    const delivery: Delivery = {
      id: nextId++,
      receiver,
      ...label,
      attempts: [],
      delivered: false,
    };
    log.push(delivery);
    if (log.length > MAX_REMEMBERED_DELIVERIES) log.shift();
    for (let i = 0; i <= retries; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      const result = await attempt(target, receiver, message);
      delivery.attempts.push(result);
      if (result.outcome === 200) {
        delivery.delivered = true;
        break;
      }
    }
    return delivery;
  }

  return {
    async register(receiver, target) {
      options.remember?.(target.token);
      options.remember?.(target.encodingAesKey);
      const echo = String(randomBytes(8).readBigUInt64BE(0));
      let query: URLSearchParams;
      let echostr: string;
      try {
        echostr = encrypt(target.encodingAesKey, echo, corpId);
        query = signedQuery(target, echostr);
      } catch {
        return { verified: false, reason: 'EncodingAESKey is not 43 characters of base64' };
      }
      query.set('echostr', echostr);
      let response: Response;
      let text: string;
      try {
        response = await fetch(withQuery(target.url, query), {
          signal: AbortSignal.timeout(verifyDeadlineMs),
        });
        text = await response.text();
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        return {
          verified: false,
          reason: timedOut ? `no answer within ${verifyDeadlineMs} ms` : 'URL unreachable',
        };
      }
      if (response.status !== 200)
        return { verified: false, status: response.status, reason: `answered ${response.status}` };
      if (text !== echo)
        return {
          verified: false,
          status: response.status,
          reason: 'the answer is not the decrypted echostr (exactly, without quotes or newline)',
        };
      targets.set(receiver, { ...target });
      return { verified: true, status: 200 };
    },
    unregister: (receiver) => void targets.delete(receiver),
    registered: (receiver) => targets.has(receiver),
    async push(receiver, fields, pushOptions = {}) {
      const target = targets.get(receiver);
      if (!target) return undefined;
      const message = eventXml(corpId, Math.floor(now() / 1000), fields);
      const deliveries: Delivery[] = [];
      for (let copy = 0; copy < Math.max(1, pushOptions.copies ?? 1); copy++)
        deliveries.push(
          await deliver(target, receiver, message, {
            event: String(fields.Event ?? ''),
            changeType: typeof fields.ChangeType === 'string' ? fields.ChangeType : undefined,
          }),
        );
      return deliveries;
    },
    async pushMessage(receiver, message, event) {
      const target = targets.get(receiver);
      return target ? deliver(target, receiver, message, { event }) : undefined;
    },
    deliveries: () => log.map((delivery) => ({ ...delivery, attempts: [...delivery.attempts] })),
  };
}
