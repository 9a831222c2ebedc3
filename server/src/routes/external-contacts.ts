import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type {
  ContactDetail,
  ContactListResponse,
  ContactLookupRequest,
  ContactLookupResponse,
} from '../../../miniprogram/typings/api';
import { assertThat } from '../errors/request-error';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';
import type { DetailCache } from '../stores/detail-cache';
import type { WecomApi } from '../wecom/api';
import {
  type Customer,
  contactDetailSchema,
  contactListItemSchema,
  followEntryOf,
  toContactListItem,
} from '../wecom/contacts';
import { DEFAULT_PAGE_LIMIT, pageQuery, wecomId, withCallerCursor } from './paging';

const externalUserId = wecomId(64);

export const contactListResponseSchema = z.object({
  contacts: z.array(contactListItemSchema),
  nextCursor: z.string().optional(),
}) satisfies z.ZodType<ContactListResponse>;

export const contactLookupRequestSchema = z.object({
  externalUserIds: z.array(externalUserId).min(1).max(100),
}) satisfies z.ZodType<ContactLookupRequest>;

export const contactLookupResponseSchema = z.object({
  contacts: z.array(contactDetailSchema),
  denied: z.array(z.string()),
  notFound: z.array(z.string()),
}) satisfies z.ZodType<ContactLookupResponse>;

/**
 * Customers (外部联系人) of the logged-in employee. A customer is readable only when the
 * employee's userid is in its follow_user (DESIGN §4); details come from the shared detail cache.
 */
export function externalContactRoutes(
  router: Router<AppState>,
  deps: {
    wecom: WecomApi;
    customers: DetailCache<Customer>;
    requireEmployee: Middleware<AppState>;
  },
): void {
  router.get(
    '/api/external-contacts',
    deps.requireEmployee,
    guard({ query: pageQuery, response: contactListResponseSchema }, async ({ query }, ctx) => {
      const me = ctx.state.session!.userid;
      const cursor = query.cursor || undefined;
      const page = await withCallerCursor(cursor, () =>
        deps.wecom.getContactsByUser(me, { cursor, limit: query.limit ?? DEFAULT_PAGE_LIMIT }),
      );
      return {
        contacts: page.external_contact_list
          .filter((row) => row.follow_info.userid === me)
          .map(toContactListItem),
        nextCursor: page.next_cursor || undefined,
      };
    }),
  );

  router.get(
    '/api/external-contacts/:externalUserId',
    deps.requireEmployee,
    guard(
      { params: z.object({ externalUserId }), response: contactDetailSchema },
      async ({ params }, ctx): Promise<ContactDetail> => {
        const customer = await deps.customers.get(params.externalUserId);
        assertThat(customer, 'contact.not_found');
        const followUser = followEntryOf(customer, ctx.state.session!.userid);
        assertThat(followUser, 'contact.not_followed');
        return { externalContact: customer.externalContact, followUser };
      },
    ),
  );

  router.post(
    '/api/external-contacts/lookup',
    deps.requireEmployee,
    guard(
      { body: contactLookupRequestSchema, response: contactLookupResponseSchema },
      async ({ body }, ctx) => {
        const me = ctx.state.session!.userid;
        const ids = [...new Set(body.externalUserIds)];
        const customers = await deps.customers.getMany(ids);
        const answer: ContactLookupResponse = { contacts: [], denied: [], notFound: [] };
        for (const [index, id] of ids.entries()) {
          const customer = customers[index];
          const followUser = customer ? followEntryOf(customer, me) : undefined;
          if (!customer) answer.notFound.push(id);
          else if (!followUser) answer.denied.push(id);
          else answer.contacts.push({ externalContact: customer.externalContact, followUser });
        }
        return answer;
      },
    ),
  );
}
