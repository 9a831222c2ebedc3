import { DEMO_MINIPROGRAM_APPID, OTHER_CORP_ID, OTHER_CORP_SECRET } from './seed';
import type { DemoCorp, DemoCustomer, DemoFollow, DemoGroupMember } from './seed-types';

/**
 * A sister company of the demo corp (a group of companies): its own corp, self-built apps,
 * secrets and a small directory, with the same mini-program associated. Its zhangsan is another
 * person than the demo corp's zhangsan (same userid, another name), and its customers and groups
 * exist in no other corp. For `startSimulator({moreCorps: [groupCorp()]})`.
 */

export const GROUP_CORP_ID = 'ww7c6d5e4f3a2b1c0d';
export const GROUP_APP_AGENT_ID = '1000011';
export const GROUP_APP_SECRET = 'YsGroupMiniprogramAppSecret000000000000000E';
export const GROUP_OTHER_APP_SECRET = 'YsGroupOtherSelfBuiltAppSecret000000000000F';
export const GROUP_DIRECTORY_SYNC_SECRET = 'YsGroupDirectorySyncSecret0000000000000000G';
/** The userid both corps have, for different people: 张三 in the demo corp, 张珊 here. */
export const SHARED_USERID = 'zhangsan';

export const groupCustomerId = (n: number): string => `wmYsGroupCust${String(n).padStart(2, '0')}`;
export const groupGroupChatId = (n: number): string => `wrYsGroupChat${String(n).padStart(2, '0')}`;

const BASE_TIME = 1_710_000_000;

const followOf = (userid: string, customer: DemoCustomer, n: number): DemoFollow => ({
  userid,
  remark: customer.name,
  description: n === 1 ? '宁波港口项目' : '',
  createtime: BASE_TIME + n * 86_400,
  tag_ids: [n === 1 ? 'etYsGroupLevelVip' : 'etYsGroupLevelNormal'],
  personal_tags: [],
  remark_mobiles: [],
  add_way: 1,
  oper_userid: userid,
});

/** Customer n (1-based) and who follows them. */
function customer(n: number, name: string, followers: string[]): DemoCustomer {
  const base: DemoCustomer = {
    external_userid: groupCustomerId(n),
    name,
    type: n === 2 ? 2 : 1,
    gender: n % 2 === 0 ? 2 : 1,
    avatar: `https://wework.qpic.cn/wwhead/group-${n}/0`,
    follow: [],
    ...(n === 2
      ? { position: '物流主管', corp_name: '北仑港务', corp_full_name: '宁波北仑港务有限公司' }
      : { unionid: `oYsGroupUnion${String(n).padStart(2, '0')}` }),
  };
  base.follow = followers.map((userid) => followOf(userid, base, n));
  return base;
}

const member = (userid: string, type: 1 | 2, t: number, invitor?: string): DemoGroupMember => ({
  userid,
  type,
  join_time: t,
  join_scene: 1,
  ...(invitor ? { invitor } : {}),
  group_nickname: '',
});

export function groupCorp(): DemoCorp {
  const t = BASE_TIME + 10 * 86_400;
  return {
    corpId: GROUP_CORP_ID,
    corpName: '宁波甬江科技有限公司',
    departments: [
      { id: 1, name: '甬江科技', name_en: 'Yongjiang Tech', parentid: 0, order: 100000000 },
      { id: 2, name: '销售部', name_en: 'Sales', parentid: 1, order: 99999000 },
      { id: 3, name: '客服部', name_en: 'Service', parentid: 1, order: 99998000 },
    ],
    employees: [
      { userid: SHARED_USERID, name: '张珊', department: [2], position: '区域经理', status: 1 },
      { userid: 'chenlei', name: '陈磊', department: [2], position: '销售代表', status: 1 },
      { userid: 'wangfang', name: '王芳', department: [3], position: '客服主管', status: 1 },
      { userid: 'zhoujie', name: '周杰', department: [1], position: '总经理', status: 1 },
    ],
    tagGroups: [
      {
        group_id: 'etYsGroupLevel',
        group_name: '客户等级',
        tags: [
          { id: 'etYsGroupLevelVip', name: '重要客户' },
          { id: 'etYsGroupLevelNormal', name: '普通客户' },
        ],
      },
    ],
    customers: [
      customer(1, '任海波', [SHARED_USERID]),
      customer(2, '邱雅琴', [SHARED_USERID, 'chenlei']),
      customer(3, '严立新', ['chenlei']),
    ],
    groupChats: [
      {
        chat_id: groupGroupChatId(1),
        name: '甬江客户服务群',
        owner: SHARED_USERID,
        create_time: t,
        notice: '工作日 8:30-17:30 在线',
        status: 0,
        members: [
          member(SHARED_USERID, 1, t),
          member('wangfang', 1, t + 60, SHARED_USERID),
          member(groupCustomerId(1), 2, t + 600, SHARED_USERID),
          member(groupCustomerId(2), 2, t + 1200, SHARED_USERID),
        ],
        admins: ['wangfang'],
        member_version: '5a1f0c3e9b7d2e4f6a8c0b1d3e5f7a91',
      },
    ],
    miniprogramApp: {
      agentid: GROUP_APP_AGENT_ID,
      name: '甬江客户助手',
      secret: GROUP_APP_SECRET,
      visibleRange: { departments: [1], users: [] },
    },
    miniprogramAppId: DEMO_MINIPROGRAM_APPID,
    otherApp: {
      agentid: '1000012',
      name: '甬江审批',
      secret: GROUP_OTHER_APP_SECRET,
      visibleRange: { departments: [1], users: [] },
    },
    directorySyncSecret: GROUP_DIRECTORY_SYNC_SECRET,
    contactCallableAgentIds: [GROUP_APP_AGENT_ID],
    otherCorp: {
      corpId: OTHER_CORP_ID,
      corpName: '宁波海曙友商贸易有限公司',
      secret: OTHER_CORP_SECRET,
    },
  };
}
