import type Router from '@koa/router';
import { z } from 'zod';
import type { ContactLookupRequest } from '../../../miniprogram/typings/api';
import type { Customers } from '../contacts';
import {
  contactDetailSchema,
  contactListResponseSchema,
  contactLookupResponseSchema,
} from '../contacts/schemas';
import { exactly } from '../exact';
import { guard } from '../middleware/guard';
import type { EmployeeState } from '../middleware/state';
import { pageOf, pageQuerySchema, wecomIdSchema } from './paging';

const externalUserIdSchema = wecomIdSchema(64);

export const contactLookupRequestSchema = exactly<ContactLookupRequest>()(
  z.object({
    externalUserIds: z.array(externalUserIdSchema).min(1).max(100),
  }),
);

type Ctx = { state: EmployeeState };

/** Customers (外部联系人) of the logged-in employee (lookup routes). */
export function externalContactRoutes(
  router: Router<EmployeeState>,
  deps: { customers: Customers },
): void {
  const { customers } = deps;
  router.get(
    '/api/external-contacts',
    guard({ query: pageQuerySchema, response: contactListResponseSchema }, ({ query }, ctx: Ctx) =>
      customers.listFollowed(ctx.state.session.userid, pageOf(query)),
    ),
  );
  router.get(
    '/api/external-contacts/:externalUserId',
    guard(
      { params: z.object({ externalUserId: externalUserIdSchema }), response: contactDetailSchema },
      ({ params }, ctx: Ctx) =>
        customers.getFollowed(ctx.state.session.userid, params.externalUserId),
    ),
  );
  router.post(
    '/api/external-contacts/lookup',
    guard(
      { body: contactLookupRequestSchema, response: contactLookupResponseSchema },
      ({ body }, ctx: Ctx) => customers.lookup(ctx.state.session.userid, body.externalUserIds),
    ),
  );
}
