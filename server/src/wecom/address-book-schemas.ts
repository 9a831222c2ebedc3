import { z } from 'zod';
import { withDefault } from './lenient';

/**
 * zod schemas of WeCom's address book answers (errcode 0 already checked by the HTTP layer). Lists
 * are bounded: WeCom caps a corp far below these sizes, so a longer answer is not WeCom's. Only
 * ids and the tree are required; `order` (the place among siblings) defaults to 0 (see lenient.ts).
 */

const MAX_DEPARTMENTS = 200_000;
const MAX_MEMBERS_PER_LIST = 200_000;

const departmentIdSchema = z.number().int().min(1).max(4_294_967_295);
const userIdSchema = z.string().min(1).max(64);
const nameSchema = z.string().max(256);

/** department/list and department/get: one department with its name (scope-limited). */
export const wecomDepartmentSchema = z.object({
  id: departmentIdSchema,
  name: nameSchema.optional(),
  name_en: nameSchema.optional(),
  department_leader: z.array(userIdSchema).max(1000).optional(),
  parentid: z.number().int().min(0),
  order: withDefault('department.order', z.number().int().min(0), 0),
});
export type WecomDepartment = z.infer<typeof wecomDepartmentSchema>;

export const departmentListSchema = z.object({
  department: z.array(wecomDepartmentSchema).max(MAX_DEPARTMENTS),
});

export const departmentGetSchema = z.object({ department: wecomDepartmentSchema });

/** department/simplelist: ids only (the 通讯录同步 secret may call it). */
export const wecomDepartmentIdSchema = z.object({
  id: departmentIdSchema,
  parentid: z.number().int().min(0),
  order: withDefault('department_id.order', z.number().int().min(0), 0),
});
export type WecomDepartmentId = z.infer<typeof wecomDepartmentIdSchema>;

export const departmentSimpleListSchema = z.object({
  department_id: z.array(wecomDepartmentIdSchema).max(MAX_DEPARTMENTS),
});

/** user/get and the entries of user/list (the fields the org store keeps). */
export const wecomMemberSchema = z.object({
  userid: userIdSchema,
  name: nameSchema.optional(),
  department: z.array(departmentIdSchema).max(1000).default([]),
  main_department: z.number().int().min(0).optional(),
  position: nameSchema.optional(),
  status: z.number().int().optional(),
});
export type WecomMember = z.infer<typeof wecomMemberSchema>;

export const userListSchema = z.object({
  userlist: z.array(wecomMemberSchema).max(MAX_MEMBERS_PER_LIST),
});

/** user/list_id: one row per membership (a member in two departments has two rows). */
export const userListIdSchema = z.object({
  dept_user: z
    .array(z.object({ userid: userIdSchema, department: departmentIdSchema }))
    .max(10_000),
  next_cursor: z.string().max(1024).optional(),
});
export type WecomUserIdRow = z.infer<typeof userListIdSchema>['dept_user'][number];
