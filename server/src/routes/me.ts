import type Router from '@koa/router';
import { z } from 'zod';
import type { DecryptRequest, DecryptResponse, MeResponse } from '../../../miniprogram/typings/api';
import type { Profiles } from '../auth/profile';
import { exactly } from '../exact';
import { guard } from '../middleware/guard';
import type { EmployeeState } from '../middleware/state';

export const meResponseSchema = exactly<MeResponse>()(
  z.object({
    user: z.object({
      userid: z.string(),
      corpid: z.string(),
      name: z.string().optional(),
      openUserid: z.string().optional(),
    }),
    expiresAt: z.string(),
  }),
);

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** AES blocks: base64 of a non-empty multiple of 16 bytes, within the 16 KiB body limit. */
export const decryptRequestSchema = exactly<DecryptRequest>()(
  z.object({
    encryptedData: z
      .string()
      .min(24)
      .max(12_000)
      .regex(base64, 'must be base64')
      .refine((value) => Buffer.from(value, 'base64').length % 16 === 0, {
        message: 'must be whole AES blocks',
      }),
    iv: z.string().regex(/^[A-Za-z0-9+/]{22}==$/, 'must be 16 bytes in base64'),
  }),
);

export const decryptResponseSchema = exactly<DecryptResponse>()(
  z.object({
    data: z.record(z.string(), z.unknown()),
  }),
);

/** `GET /api/me` and `POST /api/me/decrypt` (employee routes). */
export function meRoutes(router: Router<EmployeeState>, deps: { profiles: Profiles }): void {
  router.get(
    '/api/me',
    guard({ response: meResponseSchema }, (_input, ctx: { state: EmployeeState }) =>
      deps.profiles.describe(ctx.state.session),
    ),
  );
  router.post(
    '/api/me/decrypt',
    guard(
      { body: decryptRequestSchema, response: decryptResponseSchema },
      ({ body }, ctx: { state: EmployeeState }) => deps.profiles.decrypt(ctx.state.session, body),
    ),
  );
}
