import { Webhook } from 'standardwebhooks';
import { type Dispatcher, request } from 'undici';
import type { Attempt } from './model';

/**
 * One HTTP attempt at delivering a message, signed per the Standard Webhooks specification:
 * `webhook-id` (the same for every attempt of a message, so receivers can drop duplicates),
 * `webhook-timestamp` (seconds, this attempt's) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`
 * over `<id>.<timestamp>.<body>`, one per valid secret, space-separated, so that receivers keep
 * verifying while they switch to a rotated secret). A 2xx answer within the deadline counts;
 * anything else (3xx included: redirects are not followed) is a failure.
 */

export interface Message {
  id: string;
  type: string;
  /** The JSON body: `{type, timestamp, data}`. */
  body: string;
}

/** The answer's first bytes kept with the attempt. */
export const EXCERPT_BYTES = 1024;

export type Outcome = Pick<Attempt, 'ok' | 'durationMs' | 'status' | 'error' | 'excerpt'>;

export function messageBody(type: string, timestamp: string, data: unknown): string {
  return JSON.stringify({ type, timestamp, data });
}

async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= EXCERPT_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

export async function sendMessage(options: {
  agent: Dispatcher;
  url: string;
  secrets: readonly string[];
  message: Message;
  timeoutMs: number;
  now: () => number;
  /** Aborts the attempt (the server is shutting down). */
  stop?: AbortSignal;
}): Promise<Outcome> {
  const { agent, url, message, timeoutMs, now } = options;
  const sentAt = new Date(now());
  const signature = options.secrets
    .map((secret) => new Webhook(secret).sign(message.id, sentAt, message.body))
    .join(' ');
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // One controller per attempt, its timer cleared when the attempt ends: `AbortSignal.timeout`
  // cannot be cleared, so at a thousand deliveries a second its timers fired by the thousand ten
  // seconds later (each building a DOMException on the event loop the callbacks are answered on).
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  const stopped = () => abort.abort();
  if (options.stop?.aborted) abort.abort();
  options.stop?.addEventListener('abort', stopped, { once: true });
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'wecom-gate-webhooks',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: message.body,
      signal: abort.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const excerpt = await readExcerpt(response.body).catch(() => '');
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return { ok, durationMs: elapsed(), status: response.statusCode, excerpt };
  } catch (error) {
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : (error as Error).message || String(error);
    return { ok: false, durationMs: elapsed(), error: reason.slice(0, 300), excerpt: '' };
  } finally {
    clearTimeout(timer);
    options.stop?.removeEventListener('abort', stopped);
  }
}
