import { z } from 'zod';
import { exactly } from '../exact';
import type { Bilingual } from '../wecom/errcodes';
import type { ReadNote } from './from-wecom';
import {
  type OrgChangeRecord,
  type OrgMember,
  orgChangeSchema,
  orgDepartmentSchema,
  orgMemberSchema,
} from './model';
import type { ChangeCounts, SyncCounts, SyncError, SyncOutcome } from './outcome';
import type { SyncStatus } from './sync';
import type { DepartmentNode, MembersPage } from './to-admin';

/**
 * The org's answers to the admin routes as zod schemas, each tied to its type: a field the type
 * gains fails to compile here until the schema declares it (an answer parsed with its schema
 * keeps only the declared fields).
 */

export const departmentNodeSchema: z.ZodType<DepartmentNode> = exactly<DepartmentNode>()(
  z.lazy(() => orgDepartmentSchema.extend({ children: z.array(departmentNodeSchema).optional() })),
);

export const syncStartedSchema = exactly<{ running: true }>()(
  z.object({ running: z.literal(true) }),
);

export const departmentsAnswerSchema = exactly<{ departments: DepartmentNode[] }>()(
  z.object({ departments: z.array(departmentNodeSchema) }),
);

export const membersPageSchema = exactly<MembersPage>()(
  z.object({
    members: z.array(exactly<OrgMember>()(orgMemberSchema)),
    nextCursor: z.string().nullable(),
  }),
);

export const changesPageSchema = exactly<{ changes: OrgChangeRecord[]; next: string | null }>()(
  z.object({
    changes: z.array(exactly<OrgChangeRecord>()(orgChangeSchema.extend({ seq: z.string() }))),
    next: z.string().nullable(),
  }),
);

const bilingual = exactly<Bilingual>()(z.object({ zh: z.string(), en: z.string() }));
const opCounts = z.object({ created: z.number(), updated: z.number(), deleted: z.number() });

const syncCountsSchema = exactly<SyncCounts>()(
  z.object({
    departments: z.number(),
    departmentsRead: z.number(),
    members: z.number(),
    wecomCalls: z.number(),
  }),
);

const syncErrorSchema = exactly<SyncError>()(
  z.object({
    reason: z.enum([
      'refused',
      'wecom_unavailable',
      'store_unavailable',
      'timed_out',
      'stopped',
      'claim_lost',
      'lock_busy',
      'internal',
    ]),
    message: z.string(),
    errcode: z.number().optional(),
    api: z.string().optional(),
    cause: bilingual.optional(),
    fix: bilingual.optional(),
  }),
);

const syncOutcomeSchema = exactly<SyncOutcome>()(
  z.object({
    ok: z.boolean(),
    dryRun: z.boolean(),
    startedAt: z.string(),
    finishedAt: z.string(),
    changes: z.number(),
    changed: exactly<ChangeCounts>()(
      z.object({ departments: opCounts, members: opCounts }),
    ).optional(),
    wecomCalls: z.number(),
    departments: z.number(),
    members: z.number(),
    sources: z
      .object({
        departments: z.enum([
          'department/list',
          'department/simplelist+get',
          'department/simplelist',
        ]),
        members: z.enum(['user/list', 'user/list_id']),
      })
      .optional(),
    notes: z
      .array(
        exactly<ReadNote>()(
          z.object({ api: z.string(), errcode: z.number(), cause: bilingual, fix: bilingual }),
        ),
      )
      .optional(),
    error: syncErrorSchema.optional(),
  }),
);

export const syncStatusSchema = exactly<SyncStatus>()(
  z.object({
    running: z.boolean(),
    phase: z.enum(['departments', 'members', 'writing', 'commit']).optional(),
    counts: syncCountsSchema.optional(),
    last: syncOutcomeSchema.nullable(),
  }),
);
