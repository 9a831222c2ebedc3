import type Router from '@koa/router';
import { z } from 'zod';
import type { Directory } from '../directory';
import { guard } from '../middleware/guard';
import type { AdminState } from '../middleware/state';
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

interface DepartmentWire {
  id: number;
  name?: string;
  parentid: number;
  order: number;
  leaders?: string[];
  children?: DepartmentWire[];
}
const departmentWire: z.ZodType<DepartmentWire> = z.lazy(() =>
  z.object({
    id: z.number(),
    name: z.string().optional(),
    parentid: z.number(),
    order: z.number(),
    leaders: z.array(z.string()).optional(),
    children: z.array(departmentWire).optional(),
  }),
);

const memberWire = z.object({
  userid: z.string(),
  name: z.string().optional(),
  department: z.array(z.number()),
  mainDepartment: z.number().optional(),
  position: z.string().optional(),
  status: z.number().optional(),
});

const changeWire = z.object({
  seq: z.string(),
  kind: z.enum(['department', 'member']),
  op: z.enum(['created', 'updated', 'deleted']),
  id: z.union([z.number(), z.string()]),
  at: z.string(),
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
});

const bilingual = z.object({ zh: z.string(), en: z.string() });
const opCounts = z.object({ created: z.number(), updated: z.number(), deleted: z.number() });
const counts = z.object({
  departments: z.number(),
  departmentsRead: z.number(),
  members: z.number(),
  wecomCalls: z.number(),
});
const syncStatusWire = z.object({
  running: z.boolean(),
  phase: z.enum(['departments', 'members', 'writing', 'commit']).optional(),
  counts: counts.optional(),
  last: z
    .object({
      ok: z.boolean(),
      dryRun: z.boolean(),
      startedAt: z.string(),
      finishedAt: z.string(),
      changes: z.number(),
      changed: z.object({ departments: opCounts, members: opCounts }).optional(),
      wecomCalls: z.number(),
      departments: z.number(),
      members: z.number(),
      sources: z.object({ departments: z.string(), members: z.string() }).optional(),
      notes: z
        .array(z.object({ api: z.string(), errcode: z.number(), cause: bilingual, fix: bilingual }))
        .optional(),
      error: z
        .object({
          reason: z.string().optional(),
          message: z.string(),
          errcode: z.number().optional(),
          api: z.string().optional(),
          cause: bilingual.optional(),
          fix: bilingual.optional(),
        })
        .optional(),
    })
    .nullable(),
});

export function orgRoutes(router: Router<AdminState>, deps: { directory: Directory }): void {
  const { directory } = deps;
  router.get(
    '/api/admin/org/departments',
    guard({ response: z.object({ departments: z.array(departmentWire) }) }, () =>
      directory.departments(),
    ),
  );
  router.get(
    '/api/admin/org/members',
    guard(
      {
        query: membersQuery,
        response: z.object({ members: z.array(memberWire), nextCursor: z.string().nullable() }),
      },
      ({ query }) =>
        directory.members({
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
        response: z.object({ changes: z.array(changeWire), next: z.string().nullable() }),
      },
      ({ query }) =>
        directory.changes({
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
    guard({ status: 202, response: z.object({ running: z.literal(true) }) }, () =>
      directory.requestSync(),
    ),
  );
  router.get(
    '/api/admin/org/sync',
    guard({ response: syncStatusWire }, () => directory.syncStatus()),
  );
}
