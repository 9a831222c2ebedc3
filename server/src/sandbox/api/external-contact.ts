import { z } from 'zod';
import type { AppRuntime } from '../corp';
import { externalContact, followInfo, followUser } from './contact-shape';
import { page, parseBody } from './cursor';
import type { ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/** externalcontact/get, batch/get_by_user, list and get_follow_user_list. */

export const FOLLOW_USER_PAGE_SIZE = 500;

/** Every externalcontact/* call: app in 可调用接口的应用 (48002), customer-contact permission (84074). */
export function assertContactAccess(deps: ApiDeps, app: AppRuntime): void {
  if (!app.contactCallable) throw new WecomError(48002);
  if (!deps.contactPermission) throw new WecomError(84074);
}

/** Visible member check for a userid: unknown → 60111, outside the visible range → 60011. */
export function assertVisibleUser(deps: ApiDeps, app: AppRuntime, userid: string): void {
  if (!deps.corp.employees.has(userid)) throw new WecomError(60111);
  if (!app.visibleUsers.has(userid)) throw new WecomError(60011);
}

const batchBody = z.object({
  userid_list: z.array(z.string().min(1).max(64)).min(1),
  cursor: z.string().max(256).optional(),
  limit: z.number().int().min(1).optional(),
});

export function externalContactRoutes(deps: ApiDeps): ApiRoute[] {
  const { corp } = deps;
  return [
    {
      api: 'externalcontact/get',
      method: 'GET',
      auth: true,
      empty: { external_contact: {}, follow_user: [] },
      handle({ query, app }) {
        assertContactAccess(deps, app);
        const id = query.external_userid;
        if (!id) throw new WecomError(41035);
        const customer = corp.customers.get(id);
        if (!customer) throw new WecomError(40096);
        if (customer.follow.length === 0) throw new WecomError(84061);
        const visible = customer.follow.filter((f) => app.visibleUsers.has(f.userid));
        if (visible.length === 0) throw new WecomError(40096);
        const { slice, nextCursor } = page(visible, query.cursor, FOLLOW_USER_PAGE_SIZE);
        return {
          external_contact: externalContact(customer),
          follow_user: slice.map((f) => followUser(f, corp)),
          next_cursor: nextCursor,
        };
      },
    },
    {
      api: 'externalcontact/batch/get_by_user',
      method: 'POST',
      auth: true,
      empty: { external_contact_list: [], next_cursor: '' },
      handle({ body, app }) {
        assertContactAccess(deps, app);
        const input = parseBody(batchBody, body);
        if (input.userid_list.length > 100)
          throw new WecomError(40058, 'userid_list exceed max size 100');
        const userids = [...new Set(input.userid_list)];
        for (const userid of userids) assertVisibleUser(deps, app, userid);
        // A 代开发 or third-party app reads only members with an interworking licence.
        const served = app.licensed ? userids.filter(app.licensed) : userids;
        if (served.length === 0) throw new WecomError(701008);
        const rows = served.flatMap((userid) => corp.followsByUser.get(userid) ?? []);
        const limit = Math.min(input.limit ?? 50, 100);
        const { slice, nextCursor } = page(rows, input.cursor, limit);
        return {
          external_contact_list: slice.map(({ customer, follow }) => ({
            external_contact: externalContact(customer),
            follow_info: followInfo(follow),
          })),
          next_cursor: nextCursor,
        };
      },
    },
    {
      // Employees with the customer-contact feature, within the app's visible range.
      api: 'externalcontact/get_follow_user_list',
      method: 'GET',
      auth: true,
      empty: { follow_user: [] },
      handle({ app }) {
        assertContactAccess(deps, app);
        return {
          follow_user: [...corp.followsByUser.keys()].filter((u) => app.visibleUsers.has(u)),
        };
      },
    },
    {
      api: 'externalcontact/list',
      method: 'GET',
      auth: true,
      empty: { external_userid: [] },
      handle({ query, app }) {
        assertContactAccess(deps, app);
        const userid = query.userid ?? '';
        assertVisibleUser(deps, app, userid);
        const follows = corp.followsByUser.get(userid) ?? [];
        return { external_userid: follows.map(({ customer }) => customer.external_userid) };
      },
    },
  ];
}
