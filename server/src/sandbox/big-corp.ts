import type { DemoCorp, DemoDepartment, DemoEmployee } from './seed-types';

/**
 * A large generated world on top of the demo corp, for the org sync and its benchmark: by default
 * (the benchmark goes up to 200,000 members in 10,000 departments) 1,000 departments (ids from 1001) in a tree below the departments the mini-program's app sees
 * (2, 4, 5, 6), and 20,000 members (`u00001`…) with Chinese names, one in twenty in a second
 * department, a few disabled or not activated, and a leader in every tenth department.
 * Deterministic: the same options give the same world.
 */

export interface BigCorpOptions {
  departments?: number;
  members?: number;
  /** Seed of the pseudo-random choices. */
  seed?: number;
}

export const BIG_CORP_FIRST_DEPARTMENT_ID = 1001;
export const bigCorpUserid = (n: number): string => `u${String(n).padStart(5, '0')}`;

// biome-ignore format: tables of name parts
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹'];
// biome-ignore format: tables of name parts
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平', '刚', '桂', '英', '华', '文', '辉', '鑫', '宇', '晨', '欣'];
const REGIONS = ['华东', '华南', '华北', '西南', '西北', '华中', '东北'];
const FUNCTIONS = ['销售', '市场', '客服', '研发', '运维', '财务', '行政', '产品', '测试', '设计'];
const POSITIONS = ['专员', '主管', '经理', '工程师', '顾问', '助理', '总监'];

/** mulberry32: a small deterministic generator (not for secrets). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Adds the generated departments and members to `base` (changed in place) and answers it. */
export function addBigCorp(base: DemoCorp, options: BigCorpOptions = {}): DemoCorp {
  const { departments: departmentCount = 1000, members: memberCount = 20_000 } = options;
  const next = random(options.seed ?? 20_240_601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const tops = base.miniprogramApp.visibleRange.departments;

  const generated: DemoDepartment[] = [];
  for (let i = 0; i < departmentCount; i++) {
    const id = BIG_CORP_FIRST_DEPARTMENT_ID + i;
    // The first ones hang below the visible top departments, the rest below an earlier one: a
    // tree a few levels deep.
    const parentid =
      i < 40 || generated.length === 0
        ? tops[i % tops.length]!
        : generated[Math.floor(next() * generated.length)]!.id;
    generated.push({
      id,
      name: `${pick(REGIONS)}${pick(FUNCTIONS)}${i + 1}组`,
      name_en: '',
      parentid,
      order: 100_000_000 - (i + 1) * 1000,
    });
  }

  const people: DemoEmployee[] = [];
  for (let n = 1; n <= memberCount; n++) {
    const first = generated[Math.floor(next() * generated.length)]!.id;
    const department = [first];
    if (next() < 0.05) {
      const second = generated[Math.floor(next() * generated.length)]!.id;
      if (second !== first) department.push(second);
    }
    const roll = next();
    people.push({
      userid: bigCorpUserid(n),
      name: `${pick(SURNAMES)}${pick(GIVEN)}${next() < 0.5 ? pick(GIVEN) : ''}`,
      department,
      position: `${pick(FUNCTIONS)}${pick(POSITIONS)}`,
      status: roll < 0.02 ? 2 : roll < 0.05 ? 4 : 1,
    });
  }
  // Every tenth department is led by one of its members, when it has any.
  const firstMember = new Map<number, string>();
  for (const e of people)
    for (const id of e.department) if (!firstMember.has(id)) firstMember.set(id, e.userid);
  generated.forEach((d, i) => {
    const leader = firstMember.get(d.id);
    if (i % 10 === 0 && leader) d.department_leader = [leader];
  });

  // One at a time: a spread of hundreds of thousands of arguments overflows the stack.
  for (const d of generated) base.departments.push(d);
  for (const e of people) base.employees.push(e);
  return base;
}
