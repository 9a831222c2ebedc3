import { createOrgModel, type OrgModel } from './org';
import type {
  DemoApp,
  DemoCorp,
  DemoCustomer,
  DemoEmployee,
  DemoFollow,
  DemoGroupChat,
} from './seed-types';

/**
 * Indexes over the seed, so that every API call is a few map lookups. The directory can change
 * while the simulator runs (`org`); the apps' visible ranges follow each change.
 */

/** `custom` and `third-party`: apps a provider's suite installed (代开发 / 第三方). */
export type AppKey =
  | 'miniprogram'
  | 'other'
  | 'directory-sync'
  | 'other-corp'
  | 'custom'
  | 'third-party';

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
  /**
   * A 代开发 or third-party app: whether WeCom serves the member under the provider's interface
   * licences (false: the customer APIs answer 701008). Set by the provider at install.
   */
  licensed?: (userid: string) => boolean;
}

export interface CustomerFollow {
  customer: DemoCustomer;
  follow: DemoFollow;
}

export interface CorpModel {
  seed: DemoCorp;
  appsBySecret: ReadonlyMap<string, AppRuntime>;
  employees: ReadonlyMap<string, DemoEmployee>;
  /** The directory: departments, members, their indexes and the WeCom admin's changes. */
  org: OrgModel;
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
  /** The customer changes their own (WeChat) name. */
  renameCustomer(externalUserId: string, name: string): boolean;
  removeGroup(chatId: string): boolean;
  /** The employee leaves the corp (their customers keep the follow entry, as in WeCom). */
  removeEmployee(userid: string): boolean;
  /**
   * An app a provider's suite installed: visible to the whole corp (following its changes),
   * associated with the mini-program, in 可调用接口的应用. No secret until `setAppSecret`.
   */
  addSuiteApp(key: 'custom' | 'third-party', agentid: string): AppRuntime;
  /** The app's secret for gettoken (a 代开发 app: its permanent code); undefined: none any more. */
  setAppSecret(app: AppRuntime, secret: string | undefined): void;
  /** The app is uninstalled: no secret, no longer follows the directory. */
  removeApp(app: AppRuntime): void;
}

function departmentClosure(org: OrgModel, roots: readonly number[]): Set<number> {
  return new Set(roots.flatMap((root) => org.subtree(root).map((d) => d.id)));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The visible departments and members of a self-built app, from its visible range. */
function visibleRange(
  org: OrgModel,
  app: DemoApp,
  extraVisibleMembers: number,
): Pick<AppRuntime, 'visibleUsers' | 'visibleDepartments' | 'visibleMemberCount'> {
  const departments = departmentClosure(org, app.visibleRange.departments);
  const users = new Set(app.visibleRange.users.filter((userid) => org.employees.has(userid)));
  for (const id of departments) for (const e of org.membersOf(id)) users.add(e.userid);
  return {
    visibleUsers: users,
    visibleDepartments: departments,
    visibleMemberCount: users.size + extraVisibleMembers,
  };
}

function appRuntime(
  org: OrgModel,
  app: DemoApp,
  key: AppKey,
  corpId: string,
  contactCallable: boolean,
  extraVisibleMembers: number,
): Mutable<AppRuntime> {
  return {
    key,
    corpId,
    agentid: app.agentid,
    associated: key === 'miniprogram',
    contactCallable,
    readsDirectory: true,
    ...visibleRange(org, app, extraVisibleMembers),
  };
}

export function createCorpModel(seed: DemoCorp, extraVisibleMembers: number): CorpModel {
  const selfBuilt: [DemoApp, Mutable<AppRuntime>][] = [];
  const suiteApps = new Set<Mutable<AppRuntime>>();
  let directorySync: Mutable<AppRuntime> | undefined;
  const everyone = (): Pick<
    AppRuntime,
    'visibleUsers' | 'visibleDepartments' | 'visibleMemberCount'
  > => ({
    visibleUsers: new Set(org.employees.keys()),
    visibleDepartments: new Set(org.departments.keys()),
    visibleMemberCount: org.employees.size + extraVisibleMembers,
  });
  // Tokens hold the app objects: a change updates them in place.
  const org = createOrgModel(seed.employees, seed.departments, () => {
    for (const [app, runtime] of selfBuilt)
      Object.assign(runtime, visibleRange(org, app, extraVisibleMembers));
    if (directorySync) Object.assign(directorySync, everyone());
    for (const app of suiteApps) Object.assign(app, everyone());
  });
  const callable = (app: DemoApp) => seed.contactCallableAgentIds.includes(app.agentid);
  for (const [app, key] of [
    [seed.miniprogramApp, 'miniprogram'],
    [seed.otherApp, 'other'],
  ] as const) {
    selfBuilt.push([
      app,
      appRuntime(org, app, key, seed.corpId, callable(app), extraVisibleMembers),
    ]);
  }
  directorySync = {
    key: 'directory-sync',
    corpId: seed.corpId,
    associated: false,
    contactCallable: false,
    readsDirectory: false,
    ...everyone(),
  };
  const apps = new Map<string, AppRuntime>([
    ...selfBuilt.map(([app, runtime]) => [app.secret, runtime] as const),
    [seed.directorySyncSecret, directorySync],
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

  const { employees } = org;
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
    org,
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
    renameCustomer(externalUserId, name) {
      const customer = customers.get(externalUserId);
      if (!customer) return false;
      customer.name = name;
      return true;
    },
    removeGroup(chatId) {
      if (!groups.delete(chatId)) return false;
      removeFrom(seed.groupChats, (g) => g.chat_id !== chatId);
      return true;
    },
    removeEmployee(userid) {
      if (!employees.has(userid)) return false;
      // The directory model keeps the indexes and the apps' visible ranges, and tells its listeners.
      org.deleteMember(userid);
      return true;
    },
    addSuiteApp(key, agentid) {
      const app: Mutable<AppRuntime> = {
        key,
        corpId: seed.corpId,
        agentid,
        associated: true,
        contactCallable: true,
        readsDirectory: true,
        ...everyone(),
      };
      suiteApps.add(app);
      return app;
    },
    setAppSecret(app, secret) {
      for (const [key, value] of apps) if (value === app) apps.delete(key);
      if (secret !== undefined) apps.set(secret, app);
    },
    removeApp(app) {
      for (const [key, value] of apps) if (value === app) apps.delete(key);
      suiteApps.delete(app);
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
