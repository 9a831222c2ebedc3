import type Router from '@koa/router';
import { z } from 'zod';
import { guard } from '../middleware/guard';
import type { AdminState } from '../middleware/state';
import type { Org } from '../org';
import {
  changesPageSchema,
  departmentsAnswerSchema,
  membersPageSchema,
  syncStartedSchema,
  syncStatusSchema,
} from '../org/schemas';
import { checkFeedOrder, feedLimit, feedQueryShape, feedRange } from './feed-query';

/**
 * The synced org for the systems behind wecom-gate (admin router): the department tree, members
 * a page at a time, the change feed, and the full sync (start it, see how it goes). See the
 * docs/org-sync.md.
 */

const digits = (max: number, message: string) =>
  z
    .string()
    .regex(/^\d{1,10}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));

const membersQuery = z.object({
  departmentId: digits(4_294_967_295, 'must be a department id').optional(),
  cursor: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be a cursor from a previous page')
    .optional(),
  limit: digits(1000, 'must be a whole number from 1 to 1000').pipe(z.number().min(1)).optional(),
});

const changesQuery = z
  .object({
    ...feedQueryShape,
    limit: feedLimit(1000),
    kind: z.enum(['department', 'member']).optional(),
    op: z.enum(['created', 'updated', 'deleted']).optional(),
    q: z.string().max(100, 'must be at most 100 characters').optional(),
  })
  .superRefine(checkFeedOrder);

const DEFAULT_LIMIT = 100;

export function orgRoutes(router: Router<AdminState>, deps: { org: Org }): void {
  const { org } = deps;
  router.get(
    '/api/admin/org/departments',
    guard({ response: departmentsAnswerSchema }, () => org.departments()),
  );
  router.get(
    '/api/admin/org/members',
    guard(
      {
        query: membersQuery,
        response: membersPageSchema,
      },
      ({ query }) =>
        org.members({
          departmentId: query.departmentId,
          cursor: query.cursor || undefined,
          limit: query.limit ?? DEFAULT_LIMIT,
        }),
    ),
  );
  router.get(
    '/api/admin/org/changes',
    guard(
      {
        query: changesQuery,
        response: changesPageSchema,
      },
      ({ query }) =>
        org.changes({
          range: feedRange(query),
          limit: query.limit ?? DEFAULT_LIMIT,
          kind: query.kind,
          op: query.op,
          q: query.q || undefined,
        }),
    ),
  );
  router.post(
    '/api/admin/org/sync',
    guard({ status: 202, response: syncStartedSchema }, () => org.requestSync()),
  );
  router.get(
    '/api/admin/org/sync',
    guard({ response: syncStatusSchema }, () => org.syncStatus()),
  );
}
