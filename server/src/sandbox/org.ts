import type { DemoDepartment, DemoEmployee } from './seed-types';

/**
 * The simulated corp's directory, changeable while the simulator runs: departments and members
 * with the indexes the listing APIs need (children of a department, members of a department),
 * the changes an admin makes in the WeCom admin (add, move, rename, delete), and a hook told of
 * every change, so that a callback sender can push the matching `change_contact` event.
 */

export type OrgChangeType =
  | 'create_user'
  | 'update_user'
  | 'delete_user'
  | 'create_party'
  | 'update_party'
  | 'delete_party';

/** One change, with the fields WeCom's `change_contact` event carries for it. */
export interface OrgChangeEvent {
  changeType: OrgChangeType;
  /** Member events: the userid before the change. */
  userId?: string;
  /** update_user when the userid itself changed. */
  newUserId?: string;
  /** Member events (not delete): the departments after the change. */
  department?: number[];
  /** Department events. */
  departmentId?: number;
  /** create_party / update_party: the parent after the change. */
  parentId?: number;
  /** The name after the change (member or department), when there is one. */
  name?: string;
  /** What changed, for update events: e.g. ['name'], ['department'], ['parentid']. */
  changed?: string[];
}

export class OrgControlError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'OrgControlError';
  }
}

export interface NewMember {
  userid: string;
  name: string;
  department: number[];
  position?: string;
  status?: DemoEmployee['status'];
}

export interface MemberPatch {
  name?: string;
  department?: number[];
  position?: string;
  status?: DemoEmployee['status'];
  /** A new userid (WeCom allows changing a generated userid once). */
  newUserid?: string;
}

export interface NewDepartment {
  /** Default: one above the largest id. */
  id?: number;
  name: string;
  parentid: number;
  order?: number;
}

export interface DepartmentPatch {
  name?: string;
  parentid?: number;
  order?: number;
}

export interface OrgControl {
  addMember(member: NewMember): DemoEmployee;
  updateMember(userid: string, patch: MemberPatch): DemoEmployee;
  deleteMember(userid: string): void;
  addDepartment(department: NewDepartment): DemoDepartment;
  updateDepartment(id: number, patch: DepartmentPatch): DemoDepartment;
  /** Refused while the department still has members or sub-departments (as in WeCom). */
  deleteDepartment(id: number): void;
}

export interface OrgModel extends OrgControl {
  readonly employees: ReadonlyMap<string, DemoEmployee>;
  readonly departments: ReadonlyMap<number, DemoDepartment>;
  /** Direct members of a department, in the order they joined the directory. */
  membersOf(departmentId: number): readonly DemoEmployee[];
  /** The department and every department below it (breadth first). */
  subtree(root: number): DemoDepartment[];
  /** Calls `listener` after every change; answers a function that removes it. */
  onChange(listener: (event: OrgChangeEvent) => void): () => void;
}

const MAX_NAME = 64;
const USERID = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * Builds the model over `employees` and `departments`, which stay the truth: every change is made
 * to those arrays too (the seed the simulator was started with). `afterChange` runs before the
 * listeners (the corp model recomputes the apps' visible ranges there).
 */
export function createOrgModel(
  employeesList: DemoEmployee[],
  departmentsList: DemoDepartment[],
  afterChange: () => void = () => {},
): OrgModel {
  const employees = new Map(employeesList.map((e) => [e.userid, e]));
  const departments = new Map(departmentsList.map((d) => [d.id, d]));
  const listeners = new Set<(event: OrgChangeEvent) => void>();
  let children = new Map<number, number[]>();
  let members = new Map<number, DemoEmployee[]>();

  function reindex(): void {
    children = new Map();
    for (const d of departmentsList) {
      const list = children.get(d.parentid) ?? [];
      list.push(d.id);
      children.set(d.parentid, list);
    }
    members = new Map();
    for (const e of employeesList) {
      for (const id of e.department) {
        const list = members.get(id) ?? [];
        list.push(e);
        members.set(id, list);
      }
    }
  }
  reindex();

  function changed(event: OrgChangeEvent): void {
    reindex();
    afterChange();
    for (const listener of [...listeners]) listener(event);
  }

  function subtree(root: number): DemoDepartment[] {
    const first = departments.get(root);
    if (!first) return [];
    const result = [first];
    for (let i = 0; i < result.length; i++) {
      for (const id of children.get(result[i]!.id) ?? []) result.push(departments.get(id)!);
    }
    return result;
  }

  const memberOf = (userid: string): DemoEmployee => {
    const found = employees.get(userid);
    if (!found) throw new OrgControlError(`no member ${JSON.stringify(userid)}`, 404);
    return found;
  };
  const departmentOf = (id: number): DemoDepartment => {
    const found = departments.get(id);
    if (!found) throw new OrgControlError(`no department ${id}`, 404);
    return found;
  };
  const checkName = (name: string) => {
    if (name.trim() === '' || name.length > MAX_NAME)
      throw new OrgControlError(`a name has 1 to ${MAX_NAME} characters`);
  };
  const checkDepartments = (ids: readonly number[]) => {
    if (ids.length === 0 || ids.length > 20 || new Set(ids).size !== ids.length)
      throw new OrgControlError('a member is in 1 to 20 distinct departments');
    for (const id of ids) departmentOf(id);
  };
  const checkParent = (id: number, parentid: number) => {
    departmentOf(parentid);
    // A department cannot move below itself.
    if (subtree(id).some((d) => d.id === parentid))
      throw new OrgControlError(`department ${parentid} is below ${id}`);
  };

  return {
    employees,
    departments,
    membersOf: (id) => members.get(id) ?? [],
    subtree,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    addMember(input) {
      if (!USERID.test(input.userid)) throw new OrgControlError('not a valid userid');
      if (employees.has(input.userid))
        throw new OrgControlError(`member ${input.userid} exists`, 409);
      checkName(input.name);
      checkDepartments(input.department);
      const member: DemoEmployee = {
        userid: input.userid,
        name: input.name,
        department: [...input.department],
        position: input.position ?? '',
        status: input.status ?? 1,
      };
      employeesList.push(member);
      employees.set(member.userid, member);
      changed({
        changeType: 'create_user',
        userId: member.userid,
        department: [...member.department],
        name: member.name,
      });
      return member;
    },

    updateMember(userid, patch) {
      const member = memberOf(userid);
      const fields: string[] = [];
      if (patch.name !== undefined && patch.name !== member.name) {
        checkName(patch.name);
        member.name = patch.name;
        fields.push('name');
      }
      if (patch.department !== undefined) {
        checkDepartments(patch.department);
        if (patch.department.join() !== member.department.join()) {
          member.department = [...patch.department];
          fields.push('department');
        }
      }
      if (patch.position !== undefined && patch.position !== member.position) {
        member.position = patch.position;
        fields.push('position');
      }
      if (patch.status !== undefined && patch.status !== member.status) {
        member.status = patch.status;
        fields.push('status');
      }
      let newUserId: string | undefined;
      if (patch.newUserid !== undefined && patch.newUserid !== userid) {
        if (!USERID.test(patch.newUserid)) throw new OrgControlError('not a valid userid');
        if (employees.has(patch.newUserid))
          throw new OrgControlError(`member ${patch.newUserid} exists`, 409);
        employees.delete(userid);
        member.userid = patch.newUserid;
        employees.set(member.userid, member);
        newUserId = member.userid;
        fields.push('userid');
      }
      changed({
        changeType: 'update_user',
        userId: userid,
        ...(newUserId && { newUserId }),
        department: [...member.department],
        name: member.name,
        changed: fields,
      });
      return member;
    },

    deleteMember(userid) {
      memberOf(userid);
      employees.delete(userid);
      employeesList.splice(
        employeesList.findIndex((e) => e.userid === userid),
        1,
      );
      changed({ changeType: 'delete_user', userId: userid });
    },

    addDepartment(input) {
      checkName(input.name);
      departmentOf(input.parentid);
      const id = input.id ?? Math.max(0, ...departments.keys()) + 1;
      if (!Number.isInteger(id) || id < 2 || id > 999_999_999)
        throw new OrgControlError('a department id is a whole number from 2');
      if (departments.has(id)) throw new OrgControlError(`department ${id} exists`, 409);
      const siblings = (children.get(input.parentid) ?? []).map((c) => departments.get(c)!);
      const department: DemoDepartment = {
        id,
        name: input.name,
        name_en: '',
        parentid: input.parentid,
        // WeCom lists a higher order first; a new department goes last among its siblings.
        order:
          input.order ??
          (siblings.length === 0
            ? 100_000_000
            : Math.max(1, Math.min(...siblings.map((s) => s.order)) - 1000)),
      };
      departmentsList.push(department);
      departments.set(id, department);
      changed({
        changeType: 'create_party',
        departmentId: id,
        parentId: department.parentid,
        name: department.name,
      });
      return department;
    },

    updateDepartment(id, patch) {
      const department = departmentOf(id);
      const fields: string[] = [];
      if (patch.name !== undefined && patch.name !== department.name) {
        checkName(patch.name);
        department.name = patch.name;
        fields.push('name');
      }
      if (patch.parentid !== undefined && patch.parentid !== department.parentid) {
        if (department.parentid === 0) throw new OrgControlError('the root cannot move');
        checkParent(id, patch.parentid);
        department.parentid = patch.parentid;
        fields.push('parentid');
      }
      if (patch.order !== undefined && patch.order !== department.order) {
        department.order = patch.order;
        fields.push('order');
      }
      changed({
        changeType: 'update_party',
        departmentId: id,
        parentId: department.parentid,
        name: department.name,
        changed: fields,
      });
      return department;
    },

    deleteDepartment(id) {
      const department = departmentOf(id);
      if (department.parentid === 0) throw new OrgControlError('the root cannot be deleted');
      if ((children.get(id) ?? []).length > 0)
        throw new OrgControlError(`department ${id} has sub-departments`, 409);
      if ((members.get(id) ?? []).length > 0)
        throw new OrgControlError(`department ${id} has members`, 409);
      departments.delete(id);
      departmentsList.splice(
        departmentsList.findIndex((d) => d.id === id),
        1,
      );
      changed({ changeType: 'delete_party', departmentId: id });
    },
  };
}
