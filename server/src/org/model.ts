import { z } from 'zod';
import type {
  WecomDepartment,
  WecomDepartmentId,
  WecomMember,
} from '../wecom/address-book-schemas';

/**
 * The org as the org store keeps it: departments (tree, order, leaders) and members (name,
 * departments, position, main department, status), keyed by WeCom id, and the change records of
 * the change feed. Names are absent when the directory secret may list ids only (the 通讯录同步
 * secret from a new IP).
 */

export const orgDepartmentSchema = z.object({
  id: z.number().int().min(1),
  name: z.string().optional(),
  /** 0 for the root. */
  parentid: z.number().int().min(0),
  /** WeCom lists a higher order first among siblings. */
  order: z.number().int(),
  /** Userids of the department's leaders, where WeCom gives them. */
  leaders: z.array(z.string()).optional(),
});
export type OrgDepartment = z.infer<typeof orgDepartmentSchema>;

export const orgMemberSchema = z.object({
  userid: z.string().min(1),
  name: z.string().optional(),
  department: z.array(z.number().int()),
  mainDepartment: z.number().int().optional(),
  position: z.string().optional(),
  /** 1 active, 2 disabled, 4 not activated, 5 left the corp. */
  status: z.number().int().optional(),
});
export type OrgMember = z.infer<typeof orgMemberSchema>;

/** The fields compared by the diff (the id is the key, never a field). */
export const DEPARTMENT_FIELDS = ['name', 'parentid', 'order', 'leaders'] as const;
export const MEMBER_FIELDS = [
  'name',
  'department',
  'mainDepartment',
  'position',
  'status',
] as const;

export interface OrgSnapshot {
  departments: Map<number, OrgDepartment>;
  members: Map<string, OrgMember>;
}

export const emptySnapshot = (): OrgSnapshot => ({ departments: new Map(), members: new Map() });

/**
 * One record of the change feed (without its `seq`): `created` carries the whole record in
 * `after`, `deleted` the last known record in `before` (the tombstone), `updated` only the fields
 * that changed, before and after.
 */
export const orgChangeSchema = z.object({
  kind: z.enum(['department', 'member']),
  op: z.enum(['created', 'updated', 'deleted']),
  /** A department id (number) or a userid (string). */
  id: z.union([z.number().int(), z.string()]),
  /** ISO time the change was recorded. */
  at: z.string(),
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
});
export type OrgChange = z.infer<typeof orgChangeSchema>;
/** A change record before it is appended (and stamped with the time). */
export type OrgChangeDraft = Omit<OrgChange, 'at'>;
export type OrgChangeRecord = OrgChange & { seq: string };

// ---- from WeCom's answers ------------------------------------------------------------------------

/** Drops empty strings and arrays: WeCom answers '' and [] for "not set". */
function present<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(
    Object.entries(record).filter(
      ([, value]) =>
        value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0),
    ),
  ) as T;
}

export function departmentFromWecom(
  department: WecomDepartment | WecomDepartmentId,
): OrgDepartment {
  const named = department as Partial<WecomDepartment>;
  return present({
    id: department.id,
    name: named.name,
    parentid: department.parentid,
    order: department.order,
    leaders: named.department_leader,
  });
}

export function memberFromWecom(member: WecomMember): OrgMember {
  return {
    ...present({
      userid: member.userid,
      name: member.name,
      mainDepartment: member.main_department || undefined,
      position: member.position,
      status: member.status,
    }),
    department: [...member.department],
  };
}
