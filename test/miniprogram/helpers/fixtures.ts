import type {
  ContactDetail,
  GroupChat,
  GroupChatMember,
  SandboxEmployee,
} from '../../../miniprogram/typings/api';
import type { FakeServerData } from './fake-server';

export function mockContact(
  externalUserId: string,
  name: string,
  extra: Partial<ContactDetail['externalContact']> = {},
  follow: Partial<ContactDetail['followUser']> = {},
): ContactDetail {
  return {
    externalContact: { externalUserId, name, type: 'wechat', gender: 'unknown', ...extra },
    followUser: { userid: 'zhangsan', addedAt: '2024-03-05T01:07:00.000Z', tags: [], ...follow },
  };
}

function member(userid: string, type: GroupChatMember['type'], name: string): GroupChatMember {
  return { userid, type, name, joinedAt: '2024-01-01T00:00:00.000Z', joinScene: 'direct' };
}

/** The demo data behind the fake server: 张三 with two customers and one group. */
export function mockServerData(): FakeServerData {
  return {
    me: { userid: 'zhangsan', corpid: 'ww-test-corp', name: '张三' },
    contacts: [
      mockContact(
        'wm-li',
        '李四',
        {},
        {
          remark: '老客户',
          tags: [
            { tagId: 't1', groupName: '等级', tagName: '重要', type: 'corp' },
            { tagName: '爱喝茶', type: 'personal' },
          ],
        },
      ),
      mockContact(
        'wm-wang',
        '王五',
        {
          type: 'wecom',
          corpName: '星河科技',
          corpFullName: '深圳星河科技有限公司',
          position: '采购',
        },
        { addedAt: '2023-11-20T08:30:00.000Z' },
      ),
    ],
    othersCustomers: ['wm-other'],
    groupChats: [
      mockGroupChat('wr-group', '星河项目群', [
        member('zhangsan', 'employee', '张三'),
        member('lisi-staff', 'employee', '李工'),
        member('wm-li', 'customer', '李四'),
        member('wm-wang', 'customer', '王五'),
      ]),
      mockGroupChat('wr-empty', '新建群', []),
      { ...mockGroupChat('wr-foreign', '别人的群', []), owner: 'someone-else' },
    ],
  };
}

export function mockGroupChat(chatId: string, name: string, members: GroupChatMember[]): GroupChat {
  return {
    chatId,
    name,
    owner: 'zhangsan',
    createdAt: '2024-01-01T00:00:00.000Z',
    notice: '欢迎',
    members,
    adminUserIds: [],
  };
}

/** `count` customers named 客户1…, for paging. */
export function manyContacts(count: number): ContactDetail[] {
  return Array.from({ length: count }, (_, i) => mockContact(`wm-${i + 1}`, `客户${i + 1}`));
}

/** The demo employees a fake server in sandbox mode offers (王五 without a department). */
function mockSandboxEmployees(): SandboxEmployee[] {
  return [
    { userid: 'zhangsan', name: '张三', department: '销售部' },
    { userid: 'lisi', name: '李四', department: '销售部' },
    { userid: 'wangwu', name: '王五' },
  ];
}

/** The demo data behind a fake server in sandbox mode. */
export function mockSandboxData(): FakeServerData {
  return { ...mockServerData(), sandboxEmployees: mockSandboxEmployees() };
}

/** `count` groups owned by 张三 named 客户群1…, for paging. */
export function manyGroupChats(count: number): GroupChat[] {
  return Array.from({ length: count }, (_, i) =>
    mockGroupChat(`wr-${i + 1}`, `客户群${i + 1}`, [member('zhangsan', 'employee', '张三')]),
  );
}
