import type {
  DemoApp,
  DemoCorp,
  DemoCustomer,
  DemoEmployee,
  DemoFollow,
  DemoGroupChat,
} from './seed-types';

/** Indexes over the seed, built once, so that every API call is a few map lookups. */

export type AppKey = 'miniprogram' | 'other' | 'directory-sync' | 'other-corp';

export interface AppRuntime {
  key: AppKey;
  corpId: string;
  agentid?: string;
  /** Associated with the mini-program: may call jscode2session. */
  associated: boolean;
  /** In 客户联系 → 可调用接口的应用. */
  contactCallable: boolean;
  /** Can read member details (not the 通讯录同步 secret). */
  readsDirectory: boolean;
  visibleUsers: ReadonlySet<string>;
  visibleDepartments: ReadonlySet<number>;
  /** Size of the visible range (seeded people plus scenario padding). */
  visibleMemberCount: number;
}

export interface CustomerFollow {
  customer: DemoCustomer;
  follow: DemoFollow;
}

export interface CorpModel {
  seed: DemoCorp;
  appsBySecret: ReadonlyMap<string, AppRuntime>;
  employees: ReadonlyMap<string, DemoEmployee>;
  customers: ReadonlyMap<string, DemoCustomer>;
  /** Each employee's customers in seed order. */
  followsByUser: ReadonlyMap<string, readonly CustomerFollow[]>;
  groups: ReadonlyMap<string, DemoGroupChat>;
  tags: ReadonlyMap<string, { group_name: string; tag_name: string }>;
  /** Name of an employee or customer, for groupchat/get need_name. */
  nameOf(id: string): string | undefined;
  /**
   * Changes of the world through the control surface (what an admin or a customer does in
   * WeCom); each answers false when there was nothing to change.
   */
  removeFollower(externalUserId: string, userid: string): boolean;
  removeGroup(chatId: string): boolean;
  /** The employee leaves the corp (their customers keep the follow entry, as in WeCom). */
  removeEmployee(userid: string): boolean;
}

function departmentClosure(seed: DemoCorp, roots: readonly number[]): Set<number> {
  const result = new Set<number>(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of seed.departments) {
      if (!result.has(d.id) && result.has(d.parentid)) {
        result.add(d.id);
        grew = true;
      }
    }
  }
  return result;
}

function appRuntime(
  seed: DemoCorp,
  app: DemoApp,
  key: AppKey,
  extraVisibleMembers: number,
): AppRuntime {
  const departments = departmentClosure(seed, app.visibleRange.departments);
  const users = new Set(app.visibleRange.users);
  for (const e of seed.employees)
    if (e.department.some((d) => departments.has(d))) users.add(e.userid);
  return {
    key,
    corpId: seed.corpId,
    agentid: app.agentid,
    associated: key === 'miniprogram',
    contactCallable: seed.contactCallableAgentIds.includes(app.agentid),
    readsDirectory: true,
    visibleUsers: users,
    visibleDepartments: departments,
    visibleMemberCount: users.size + extraVisibleMembers,
  };
}

export function createCorpModel(seed: DemoCorp, extraVisibleMembers: number): CorpModel {
  const everyone = new Set(seed.employees.map((e) => e.userid));
  const allDepartments = new Set(seed.departments.map((d) => d.id));
  const apps = new Map<string, AppRuntime>([
    [
      seed.miniprogramApp.secret,
      appRuntime(seed, seed.miniprogramApp, 'miniprogram', extraVisibleMembers),
    ],
    [seed.otherApp.secret, appRuntime(seed, seed.otherApp, 'other', extraVisibleMembers)],
    [
      seed.directorySyncSecret,
      {
        key: 'directory-sync',
        corpId: seed.corpId,
        associated: false,
        contactCallable: false,
        readsDirectory: false,
        visibleUsers: everyone,
        visibleDepartments: allDepartments,
        visibleMemberCount: everyone.size + extraVisibleMembers,
      },
    ],
  ]);

  const followsByUser = new Map<string, CustomerFollow[]>();
  for (const customer of seed.customers) {
    for (const follow of customer.follow) {
      const list = followsByUser.get(follow.userid) ?? [];
      list.push({ customer, follow });
      followsByUser.set(follow.userid, list);
    }
  }
  const tags = new Map<string, { group_name: string; tag_name: string }>();
  for (const g of seed.tagGroups)
    for (const t of g.tags) tags.set(t.id, { group_name: g.group_name, tag_name: t.name });

  const employees = new Map(seed.employees.map((e) => [e.userid, e]));
  const customers = new Map(seed.customers.map((c) => [c.external_userid, c]));
  const groups = new Map(seed.groupChats.map((g) => [g.chat_id, g]));
  const removeFrom = <T>(list: T[], keep: (item: T) => boolean) => {
    const kept = list.filter(keep);
    const removed = kept.length !== list.length;
    list.splice(0, list.length, ...kept);
    return removed;
  };
  return {
    seed,
    appsBySecret: apps,
    employees,
    customers,
    followsByUser,
    groups,
    tags,
    nameOf: (id) => employees.get(id)?.name ?? customers.get(id)?.name,
    removeFollower(externalUserId, userid) {
      const customer = customers.get(externalUserId);
      if (!customer || !removeFrom(customer.follow, (f) => f.userid !== userid)) return false;
      const follows = followsByUser.get(userid) ?? [];
      removeFrom(follows, (entry) => entry.customer !== customer);
      if (follows.length === 0) followsByUser.delete(userid);
      return true;
    },
    removeGroup(chatId) {
      if (!groups.delete(chatId)) return false;
      removeFrom(seed.groupChats, (g) => g.chat_id !== chatId);
      return true;
    },
    removeEmployee(userid) {
      if (!employees.delete(userid)) return false;
      removeFrom(seed.employees, (e) => e.userid !== userid);
      for (const app of apps.values()) (app.visibleUsers as Set<string>).delete(userid);
      return true;
    },
  };
}

/** The app of another corp (for 40091 and foreign tokens). */
export function foreignApp(corpId: string): AppRuntime {
  return {
    key: 'other-corp',
    corpId,
    associated: false,
    contactCallable: false,
    readsDirectory: true,
    visibleUsers: new Set(),
    visibleDepartments: new Set(),
    visibleMemberCount: 0,
  };
}
