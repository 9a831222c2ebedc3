import type {
  DemoCorp,
  DemoCustomer,
  DemoEmployee,
  DemoFollow,
  DemoGroupChat,
  DemoGroupMember,
} from './seed-types';

/**
 * The demo corp (Chinese names, ASCII ids). Facts other tests rely on are listed in the exported
 * constants below; everything is deterministic so tests may hard-code ids.
 */

export const DEMO_CORP_ID = 'ww1a2b3c4d5e6f7a8b';
export const DEMO_MINIPROGRAM_APPID = 'wx5f3c2a1b0d9e8f7a';
export const DEMO_APP_AGENT_ID = '1000002';
export const DEMO_OTHER_AGENT_ID = '1000003';
export const DEMO_APP_SECRET = 'YsDemoMiniprogramAppSecret0000000000000000A';
export const DEMO_OTHER_APP_SECRET = 'YsDemoOtherSelfBuiltAppSecret00000000000000B';
export const DEMO_DIRECTORY_SYNC_SECRET = 'YsDemoDirectorySyncSecret000000000000000000C';
export const OTHER_CORP_ID = 'ww9e8d7c6b5a4f3e2d';
export const OTHER_CORP_SECRET = 'OtherCorpAppSecret00000000000000000000000000D';

export const customerId = (n: number): string => `wmYsDemoCust${String(n).padStart(2, '0')}`;
export const groupChatId = (n: number): string => `wrYsDemoGroup${String(n).padStart(2, '0')}`;

/** Well-known customers: see the report in the sandbox README section of the task. */
export const DEMO_FACTS = {
  /** Followed by zhangsan and by liuzong (confidential): follow_user shows zhangsan only. */
  sharedWithConfidential: customerId(5),
  /** Followed by zhangsan and lisi. */
  sharedByZhangsanAndLisi: [customerId(3), customerId(7), customerId(12), customerId(20)],
  /** Followed only by liuzong in the confidential department: externalcontact/get → 40096. */
  onlyConfidentialFollower: customerId(38),
  /** Nobody follows any more: externalcontact/get → 84061. */
  noFollowers: customerId(39),
  /** Does not exist: 40096. */
  unknownCustomer: 'wmYsDemoCustUnknown',
  /** Owned by liuzong (confidential): groupchat/get → 60011, never listed. */
  confidentialGroup: groupChatId(5),
  unknownGroup: 'wrYsDemoGroupUnknown',
} as const;

const BASE_TIME = 1_700_000_000;

const employees: DemoEmployee[] = [
  { userid: 'zhangsan', name: '张三', department: [2], position: '销售经理', status: 1 },
  { userid: 'lisi', name: '李四', department: [2], position: '销售代表', status: 1 },
  { userid: 'wangwu', name: '王五', department: [3], position: '销售代表', status: 1 },
  { userid: 'zhaoliu', name: '赵六', department: [3], position: '销售代表', status: 1 },
  { userid: 'sunqi', name: '孙七', department: [4], position: '市场专员', status: 1 },
  { userid: 'zhouba', name: '周八', department: [4], position: '市场经理', status: 1 },
  { userid: 'wujiu', name: '吴九', department: [5], position: '客户成功经理', status: 1 },
  { userid: 'zhengshi', name: '郑十', department: [5], position: '客服专员', status: 1 },
  { userid: 'chenjing', name: '陈静', department: [6], position: '工程师', status: 1 },
  { userid: 'liuyang', name: '刘洋', department: [6], position: '技术总监', status: 1 },
  { userid: 'huangli', name: '黄丽', department: [5, 2], position: '售前顾问', status: 1 },
  { userid: 'xuming', name: '徐明', department: [6], position: '运维工程师', status: 1 },
  { userid: 'yangfan', name: '杨帆', department: [2], position: '销售助理', status: 1 },
  { userid: 'liuzong', name: '刘总', department: [7], position: '董事长', status: 1 },
  { userid: 'qianmi', name: '钱蜜', department: [7], position: '董事会秘书', status: 1 },
];

// biome-ignore format: a table of names
const CUSTOMER_NAMES = [
  '陈晓明', '林美玲', '黄志强', '吴婷婷', '郭伟', '何静', '罗军', '梁晓燕', '宋涛', '谢娜',
  '韩磊', '唐敏', '冯刚', '于洋', '董丽娟', '萧峰', '程雪', '曹阳', '袁芳', '邓超',
  '许晴', '傅强', '沈佳', '曾凡', '彭丽', '吕斌', '苏婷', '卢杰', '蒋欣', '蔡明',
  '贾玲', '丁磊', '魏然', '薛婷', '叶青', '阎伟', '余莉', '潘东', '杜鹃', '戴维',
];

const CUSTOMER_CORPS: [string, string][] = [
  ['云杉科技', '上海云杉科技有限公司'],
  ['青禾传媒', '北京青禾文化传媒有限公司'],
  ['南粤物流', '广州南粤物流有限公司'],
  ['天府软件', '成都天府软件有限公司'],
  ['明德电子', '苏州工业园区明德电子有限公司'],
];

const DESCRIPTIONS = ['关注新品发布', '每季度采购一次', '价格敏感', '需要上门演示', ''];
const ADD_WAYS = [1, 2, 3, 0, 1];

/** Which employees follow customer n (1-based). */
function followersOf(n: number): string[] {
  const followers: string[] = [];
  if (n <= 28) followers.push('zhangsan');
  if ([3, 7, 12, 20].includes(n) || (n >= 29 && n <= 31)) followers.push('lisi');
  if (n === 15) followers.push('wujiu');
  if (n === 5) followers.push('liuzong');
  if (n === 32 || n === 33) followers.push('wangwu');
  if (n === 33 || n === 34) followers.push('zhaoliu');
  if (n === 35) followers.push('sunqi');
  if (n === 36) followers.push('wujiu', 'zhengshi');
  if (n === 37) followers.push('chenjing');
  if (n === 38) followers.push('liuzong');
  if (n === 40) followers.push('huangli', 'liuzong');
  return followers;
}

function follow(n: number, userid: string, index: number, customer: DemoCustomer): DemoFollow {
  const byCustomer = n % 4 === 0;
  return {
    userid,
    remark: customer.corp_name
      ? `${customer.name}-${customer.corp_name}`
      : n % 4 === 1
        ? `${customer.name}（${['王总介绍', '展会认识', '老客户'][n % 3]}）`
        : customer.name,
    description: DESCRIPTIONS[n % DESCRIPTIONS.length]!,
    createtime: BASE_TIME + n * 86_400 + index * 3_600,
    tag_ids: [
      n % 3 === 0 ? 'etYsLevelVip' : 'etYsLevelNormal',
      n % 2 === 0 ? 'etYsSourceExpo' : 'etYsSourceReferral',
    ],
    personal_tags: n % 5 === 0 ? ['老朋友'] : [],
    ...(customer.type === 1 && n % 4 === 3 ? { remark_corp_name: '个体经营' } : {}),
    remark_mobiles: n % 6 === 0 ? [`1380013${String(8000 + n)}`] : [],
    add_way: byCustomer ? 1 : ADD_WAYS[n % ADD_WAYS.length]!,
    oper_userid: byCustomer ? customer.external_userid : userid,
    ...(n % 7 === 0 ? { state: 'expo2024' } : {}),
  };
}

function customer(n: number): DemoCustomer {
  const name = CUSTOMER_NAMES[n - 1]!;
  const isWecom = n % 4 === 2;
  const [corpName, corpFullName] = CUSTOMER_CORPS[Math.floor(n / 4) % CUSTOMER_CORPS.length]!;
  const base: DemoCustomer = {
    external_userid: customerId(n),
    name,
    type: isWecom ? 2 : 1,
    gender: n % 2 === 0 ? 2 : 1,
    avatar: `https://wework.qpic.cn/wwhead/demo-${n}/0`,
    follow: [],
    ...(isWecom
      ? { position: '采购经理', corp_name: corpName, corp_full_name: corpFullName }
      : { unionid: `oYsDemoUnion${String(n).padStart(2, '0')}` }),
  };
  base.follow = followersOf(n).map((userid, index) => follow(n, userid, index, base));
  return base;
}

const employeeMember = (userid: string, t: number, invitor?: string): DemoGroupMember => ({
  userid,
  type: 1,
  join_time: t,
  join_scene: 1,
  ...(invitor ? { invitor } : {}),
  group_nickname: '',
});

const customerMember = (
  n: number,
  t: number,
  invitor: string,
  scene: 1 | 2 | 3,
): DemoGroupMember => ({
  userid: customerId(n),
  type: 2,
  join_time: t,
  join_scene: scene,
  invitor,
  group_nickname: n % 2 === 0 ? `${CUSTOMER_NAMES[n - 1]}（客户）` : '',
});

function group(
  n: number,
  name: string,
  owner: string,
  staff: string[],
  customers: number[],
  admins: string[],
  notice: string,
): DemoGroupChat {
  const t = BASE_TIME + 40 * 86_400 + n * 7_200;
  return {
    chat_id: groupChatId(n),
    name,
    owner,
    create_time: t,
    notice,
    status: 0,
    members: [
      employeeMember(owner, t),
      ...staff.map((userid, i) => employeeMember(userid, t + 60 * (i + 1), owner)),
      ...customers.map((c, i) =>
        customerMember(c, t + 600 * (i + 1), owner, ((i % 3) + 1) as 1 | 2 | 3),
      ),
    ],
    admins,
    member_version: `71217227bbd112ecfe3a49c482195cb${n}`,
  };
}

export function demoCorp(): DemoCorp {
  return {
    corpId: DEMO_CORP_ID,
    corpName: '杭州星河示例科技有限公司',
    departments: [
      { id: 1, name: '星河示例科技', name_en: 'Xinghe Demo', parentid: 0, order: 100000000 },
      { id: 2, name: '销售部', name_en: 'Sales', parentid: 1, order: 99999000 },
      { id: 3, name: '华东销售组', name_en: 'East China Sales', parentid: 2, order: 99998000 },
      { id: 4, name: '市场部', name_en: 'Marketing', parentid: 1, order: 99997000 },
      { id: 5, name: '客户成功部', name_en: 'Customer Success', parentid: 1, order: 99996000 },
      { id: 6, name: '技术部', name_en: 'Engineering', parentid: 1, order: 99995000 },
      { id: 7, name: '董事会办公室', name_en: 'Board Office', parentid: 1, order: 99994000 },
    ],
    employees: employees.map((e) => ({ ...e, department: [...e.department] })),
    tagGroups: [
      {
        group_id: 'etYsGroupLevel',
        group_name: '客户等级',
        tags: [
          { id: 'etYsLevelVip', name: '重要客户' },
          { id: 'etYsLevelNormal', name: '普通客户' },
        ],
      },
      {
        group_id: 'etYsGroupSource',
        group_name: '来源',
        tags: [
          { id: 'etYsSourceExpo', name: '展会' },
          { id: 'etYsSourceReferral', name: '转介绍' },
        ],
      },
    ],
    customers: CUSTOMER_NAMES.map((_, i) => customer(i + 1)),
    groupChats: [
      group(
        1,
        '华东客户交流群',
        'zhangsan',
        ['lisi'],
        [1, 2, 3, 4],
        ['lisi'],
        '欢迎各位，工作日 9:00-18:00 在线',
      ),
      group(2, '云杉科技项目对接群', 'zhangsan', ['chenjing'], [2, 6], [], '项目周会每周三下午'),
      group(
        3,
        '新品发布会报名群',
        'sunqi',
        ['zhouba', 'zhangsan'],
        [35, 8, 9],
        ['zhouba'],
        '发布会时间另行通知',
      ),
      group(4, 'VIP客户服务群', 'wujiu', ['zhengshi', 'lisi'], [36, 15, 29], [], ''),
      group(5, '董事会外联群', 'liuzong', ['qianmi'], [38, 40], ['qianmi'], ''),
      group(
        6,
        '售后技术支持群',
        'chenjing',
        ['xuming', 'zhangsan'],
        [37, 12, 13],
        [],
        '报障请附截图',
      ),
    ],
    miniprogramApp: {
      agentid: DEMO_APP_AGENT_ID,
      name: '客户助手',
      secret: DEMO_APP_SECRET,
      visibleRange: { departments: [2, 4, 5, 6], users: [] },
    },
    miniprogramAppId: DEMO_MINIPROGRAM_APPID,
    otherApp: {
      agentid: DEMO_OTHER_AGENT_ID,
      name: '审批助手',
      secret: DEMO_OTHER_APP_SECRET,
      visibleRange: { departments: [1], users: [] },
    },
    directorySyncSecret: DEMO_DIRECTORY_SYNC_SECRET,
    contactCallableAgentIds: [DEMO_APP_AGENT_ID],
    otherCorp: {
      corpId: OTHER_CORP_ID,
      corpName: '宁波海曙友商贸易有限公司',
      secret: OTHER_CORP_SECRET,
    },
  };
}

/**
 * Adds `count` generated employees (`gen0001`…) in `department` to `seed` and makes each follow
 * `externalUserId`. Used to test follow_user paging (>500 followers).
 */
export function addGeneratedFollowers(
  seed: DemoCorp,
  externalUserId: string,
  count: number,
  department = 2,
): string[] {
  const target = seed.customers.find((c) => c.external_userid === externalUserId);
  if (!target) throw new Error(`no customer ${externalUserId} in the seed`);
  const userids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const userid = `gen${String(i).padStart(4, '0')}`;
    seed.employees.push({
      userid,
      name: `员工${i}`,
      department: [department],
      position: '销售代表',
      status: 1,
    });
    target.follow.push({
      userid,
      remark: target.name,
      description: '',
      createtime: BASE_TIME + i,
      tag_ids: [],
      personal_tags: [],
      remark_mobiles: [],
      add_way: 1,
      oper_userid: userid,
    });
    userids.push(userid);
  }
  return userids;
}
