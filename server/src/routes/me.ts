import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DecryptRequest, DecryptResponse, MeResponse } from '../../../miniprogram/typings/api';
import type { UserDataDecryptor } from '../auth/decrypt';
import { RequestError } from '../errors/request-error';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';
import type { NameCache } from '../stores/name-cache';
import type { SessionStore } from '../stores/session-store';
import type { WecomApi } from '../wecom/api';
import { WecomApiError } from '../wecom/errors';

export const meResponseGuard = z.object({
  user: z.object({ userid: z.string(), corpid: z.string(), name: z.string().optional() }),
  expiresAt: z.string(),
}) satisfies z.ZodType<MeResponse>;

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** AES blocks: base64 of a non-empty multiple of 16 bytes, within the 16 KiB body limit. */
export const decryptRequestGuard = z.object({
  encryptedData: z
    .string()
    .min(24)
    .max(12_000)
    .regex(base64, 'must be base64')
    .refine((value) => Buffer.from(value, 'base64').length % 16 === 0, {
      message: 'must be whole AES blocks',
    }),
  iv: z.string().regex(/^[A-Za-z0-9+/]{22}==$/, 'must be 16 bytes in base64'),
}) satisfies z.ZodType<DecryptRequest>;

export const decryptResponseGuard = z.object({
  data: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<DecryptResponse>;

/**
 * The employee's display name: from the name cache, else one `user/get` remembered for later
 * requests. A refusal (60011 outside the visible range, 48009, …) leaves the name out rather than
 * failing `/api/me`, and is remembered too so it is not asked again on every request.
 */
async function nameOf(
  userid: string,
  deps: { wecom: WecomApi; names: NameCache },
  state: { readonly log: Logger },
): Promise<string | undefined> {
  const cached = await deps.names.get('user', userid);
  if (cached !== undefined) return cached ?? undefined;
  try {
    const user = await deps.wecom.getUser(userid);
    await deps.names.set('user', userid, user.name ?? null);
    return user.name;
  } catch (error) {
    if (!(error instanceof WecomApiError)) throw error;
    state.log.warn({ errcode: error.errcode, api: error.api }, 'employee name unavailable');
    await deps.names.set('user', userid, null);
    return undefined;
  }
}

export function meRoutes(
  router: Router<AppState>,
  deps: {
    wecom: WecomApi;
    names: NameCache;
    sessions: SessionStore;
    decryptor: UserDataDecryptor;
    requireEmployee: Middleware<AppState>;
  },
): void {
  router.get(
    '/api/me',
    deps.requireEmployee,
    guard({ response: meResponseGuard }, async (_input, ctx) => {
      const session = ctx.state.session!;
      const name = await nameOf(session.userid, deps, ctx.state);
      return {
        user: { userid: session.userid, corpid: session.corpid, name },
        expiresAt: new Date(session.expiresAt).toISOString(),
      };
    }),
  );

  // Decrypts wx.qy.getEnterpriseUserInfo / getMobile / getEmail data with this session's key.
  router.post(
    '/api/me/decrypt',
    deps.requireEmployee,
    guard({ body: decryptRequestGuard, response: decryptResponseGuard }, async ({ body }, ctx) => {
      if (deps.decryptor.appId === undefined) {
        throw new RequestError('auth.forbidden', {
          message: 'Decrypt is disabled: WECOM_MINIPROGRAM_APPID is not set on the server.',
        });
      }
      const session = ctx.state.session!;
      const outcome = deps.decryptor.decrypt(session.sessionKey, {
        encryptedData: Buffer.from(body.encryptedData, 'base64'),
        iv: Buffer.from(body.iv, 'base64'),
      });
      if (outcome.ok) return { data: outcome.data };
      if (outcome.reason === 'stale_session_key') {
        // The data was encrypted with a newer session_key: this login is stale, so end it.
        await deps.sessions.delete(session.sid);
        throw new RequestError('auth.session_expired', {
          message: 'The login is stale (the session key changed); log in again.',
        });
      }
      throw new RequestError('guard.invalid_input', {
        message:
          outcome.reason === 'appid_mismatch'
            ? 'The data was encrypted for another mini-program (watermark.appid does not match).'
            : 'The decrypted data has no watermark.',
      });
    }),
  );
}
