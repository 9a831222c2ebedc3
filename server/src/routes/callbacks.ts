import type { IncomingMessage } from 'node:http';
import type Router from '@koa/router';
import getRawBody from 'raw-body';
import { CallbackError, type CallbackReceivers } from '../callbacks';
import type { AppState } from '../middleware/state';

/** Callback bodies above this are refused (WeCom's events are a few hundred bytes). */
export const CALLBACK_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The raw body, whatever its Content-Type (WeCom's is not documented), at most 64 KiB, read only
 * here and only once the receiver and the query have passed. A compressed body is refused:
 * WeCom does not send one.
 */
export async function readCallbackBody(req: IncomingMessage): Promise<string> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') throw new CallbackError('malformed');
  try {
    return await getRawBody(req, { limit: CALLBACK_BODY_LIMIT_BYTES, encoding: 'utf8' });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    throw new CallbackError(status === 413 ? 'too_large' : 'malformed', { cause: error });
  }
}

/**
 * `GET /wecom/callback/:receiver`: URL verification, answered with the decrypted echostr as plain
 * text (no quotes, no newline). `POST /wecom/callback/:receiver`: an encrypted event, answered
 * with an empty 200 once applied (or recognised as a duplicate).
 */
export function callbackRoutes(
  router: Router<AppState>,
  deps: { receivers: CallbackReceivers },
): void {
  const { receivers } = deps;
  router.get('/wecom/callback/:receiver', async (ctx) => {
    const echo = await receivers.verifyUrl(ctx.params.receiver!, ctx.query);
    ctx.type = 'text/plain';
    ctx.body = echo;
  });
  router.post('/wecom/callback/:receiver', async (ctx) => {
    await receivers.deliver(ctx.params.receiver!, ctx.query, () => readCallbackBody(ctx.req));
    ctx.type = 'text/plain';
    ctx.body = '';
  });
}
