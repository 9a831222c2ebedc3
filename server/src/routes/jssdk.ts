import type Router from '@koa/router';
import { z } from 'zod';
import type { JssdkSignatureResponse } from '../../../miniprogram/typings/api';
import { exactly } from '../exact';
import type { Jssdk } from '../jssdk';
import { MAX_SIGNED_URL_LENGTH } from '../jssdk/signature';
import { guard } from '../middleware/guard';
import type { EmployeeState } from '../middleware/state';

/**
 * `url`: the page, as `location.href`. After WeCom refused a signature in the page (42012,
 * 40093), the page asks again with `rejected` (which block) and that block's `timestamp`,
 * `nonceStr` and `signature`, so that a ticket WeCom no longer accepts is replaced once.
 */
export const jssdkQuerySchema = z
  .object({
    url: z.string().min(1).max(MAX_SIGNED_URL_LENGTH),
    rejected: z.enum(['config', 'agentConfig']).optional(),
    timestamp: z.coerce.number().int().min(0).max(1e11).optional(),
    nonceStr: z.string().min(1).max(64).optional(),
    signature: z
      .string()
      .regex(/^[0-9a-f]{40}$/, 'must be a SHA-1 in hex')
      .optional(),
  })
  .refine(
    (q) =>
      q.rejected === undefined ||
      (q.timestamp !== undefined && q.nonceStr !== undefined && q.signature !== undefined),
    { message: 'rejected needs timestamp, nonceStr and signature', path: ['rejected'] },
  );

const jssdkResponseSchema = exactly<JssdkSignatureResponse>()(
  z.object({
    config: z.object({
      appId: z.string(),
      timestamp: z.number(),
      nonceStr: z.string(),
      signature: z.string(),
    }),
    agentConfig: z.object({
      corpid: z.string(),
      agentid: z.string(),
      timestamp: z.number(),
      nonceStr: z.string(),
      signature: z.string(),
    }),
  }),
);

/** `GET /api/jssdk/signature?url=` (employee: mini-program token or web session). */
export function jssdkRoutes(router: Router<EmployeeState>, deps: { jssdk: Jssdk }): void {
  router.get(
    '/api/jssdk/signature',
    guard({ query: jssdkQuerySchema, response: jssdkResponseSchema }, ({ query }) =>
      deps.jssdk.sign(
        query.url,
        query.rejected && {
          kind: query.rejected,
          timestamp: query.timestamp!,
          nonceStr: query.nonceStr!,
          signature: query.signature!,
        },
      ),
    ),
  );
}
