/** Shapes of the simulator's seed: one demo corp with apps, directory, customers and groups. */

export interface DemoDepartment {
  id: number;
  name: string;
  name_en: string;
  parentid: number;
  order: number;
  /** Userids of the department's leaders (WeCom's `department_leader`). */
  department_leader?: string[];
}

export interface DemoEmployee {
  userid: string;
  name: string;
  department: number[];
  position: string;
  /** 1 active, 2 disabled, 4 not activated, 5 left. */
  status: 1 | 2 | 4 | 5;
}

export interface DemoTag {
  id: string;
  name: string;
}

export interface DemoTagGroup {
  group_id: string;
  group_name: string;
  tags: DemoTag[];
}

/** One employee's side of a customer relationship (WeCom `follow_user` / `follow_info`). */
export interface DemoFollow {
  userid: string;
  remark: string;
  description: string;
  createtime: number;
  /** Corp tag ids (type 1). */
  tag_ids: string[];
  /** The employee's personal tags (type 2, no tag_id). */
  personal_tags: string[];
  remark_corp_name?: string;
  remark_mobiles: string[];
  add_way: number;
  oper_userid: string;
  state?: string;
}

export interface DemoCustomer {
  external_userid: string;
  name: string;
  /** 1 WeChat user, 2 WeCom user. */
  type: 1 | 2;
  gender: 0 | 1 | 2;
  avatar: string;
  unionid?: string;
  position?: string;
  corp_name?: string;
  corp_full_name?: string;
  /** Current followers; empty = nobody follows any more (84061). */
  follow: DemoFollow[];
}

export interface DemoGroupMember {
  userid: string;
  /** 1 employee, 2 external contact. */
  type: 1 | 2;
  join_time: number;
  /** 1 invited directly, 2 invite link, 3 scanned the group QR code. */
  join_scene: 1 | 2 | 3;
  invitor?: string;
  group_nickname: string;
}

export interface DemoGroupChat {
  chat_id: string;
  name: string;
  owner: string;
  create_time: number;
  notice: string;
  /** 0 normal, 1 owner left (待继承), 2 inheriting, 3 inherited. */
  status: 0 | 1 | 2 | 3;
  members: DemoGroupMember[];
  admins: string[];
  member_version: string;
}

export interface DemoVisibleRange {
  departments: number[];
  users: string[];
}

export interface DemoApp {
  agentid: string;
  name: string;
  secret: string;
  visibleRange: DemoVisibleRange;
}

export interface DemoCorp {
  corpId: string;
  corpName: string;
  departments: DemoDepartment[];
  employees: DemoEmployee[];
  tagGroups: DemoTagGroup[];
  customers: DemoCustomer[];
  groupChats: DemoGroupChat[];
  /** The app the mini-program is associated with (its secret works for jscode2session). */
  miniprogramApp: DemoApp;
  miniprogramAppId: string;
  /** Another self-built app, not associated with the mini-program. */
  otherApp: DemoApp;
  /** Secret of 管理工具 → 通讯录同步 (reads from a new IP answer 48009). */
  directorySyncSecret: string;
  /** AgentIds in 客户联系 → 可调用接口的应用. */
  contactCallableAgentIds: string[];
  /** Another corp that shares the mini-program (its codes answer its corpid). */
  otherCorp: { corpId: string; corpName: string; secret: string };
}
