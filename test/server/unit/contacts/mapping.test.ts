import { canReadGroup, followEntryOf } from '../../../../server/src/contacts/access';
import {
  toContactListItem,
  toExternalContact,
  toFollowUser,
  toGroupChat,
  toGroupChatStatus,
} from '../../../../server/src/contacts/mapping';

// WeCom's snake_case answers → the camelCase wire types, and the two authorization rules.

describe('customer mapping', () => {
  it('should map a WeCom customer and leave hidden (empty) fields out', () => {
    expect(
      toExternalContact({
        external_userid: 'wmA',
        name: '林美玲',
        type: 2,
        avatar: '',
        gender: 2,
        position: '',
        corp_name: '云杉科技',
        corp_full_name: '上海云杉科技有限公司',
      }),
    ).toEqual({
      externalUserId: 'wmA',
      name: '林美玲',
      type: 'wecom',
      gender: 'female',
      corpName: '云杉科技',
      corpFullName: '上海云杉科技有限公司',
    });
  });

  it('should never give a WeChat customer corp fields, and default the gender', () => {
    const contact = toExternalContact({
      external_userid: 'wmB',
      type: 1,
      corp_name: 'should not pass',
    });
    expect(contact).toEqual({ externalUserId: 'wmB', name: '', type: 'wechat', gender: 'unknown' });
  });

  it('should map follow entries with tag types and ISO instants, dropping unknown tag types', () => {
    const follow = toFollowUser({
      userid: 'zhangsan',
      remark: '',
      description: '价格敏感',
      createtime: 1_700_000_000,
      add_way: 1,
      tags: [
        { group_name: '客户等级', tag_name: '重要客户', tag_id: 'etVip', type: 1 },
        { group_name: '', tag_name: '老朋友', type: 2 },
        { tag_name: '规则', type: 3 },
        { tag_name: '未知', type: 9 },
      ],
    });
    expect(follow).toEqual({
      userid: 'zhangsan',
      description: '价格敏感',
      addedAt: '2023-11-14T22:13:20.000Z',
      addWay: 1,
      tags: [
        { tagId: 'etVip', groupName: '客户等级', tagName: '重要客户', type: 'corp' },
        { tagName: '老朋友', type: 'personal' },
        { tagName: '规则', type: 'rule' },
      ],
    });
  });

  it('should map a list row with tag ids only', () => {
    const item = toContactListItem(
      {
        external_contact: { external_userid: 'wmC', name: 'C', type: 1, gender: 1 },
        follow_info: { userid: 'lisi', createtime: 1_700_000_000, tag_id: ['etA', 'etB'] },
      },
      'lisi',
    );
    expect(item.followUser).toEqual({
      userid: 'lisi',
      addedAt: '2023-11-14T22:13:20.000Z',
      tagIds: ['etA', 'etB'],
    });
    expect(item.externalContact.gender).toBe('male');
  });

  it('should give a list row without its follower and time to the caller, with no time', () => {
    const item = toContactListItem(
      {
        external_contact: { external_userid: 'wmC', type: 1 },
        follow_info: { userid: undefined, createtime: 0 },
      },
      'lisi',
    );
    expect(item.followUser).toEqual({ userid: 'lisi', tagIds: [] });
  });

  it('should find only the caller’s follow entry', () => {
    const customer = {
      externalContact: toExternalContact({ external_userid: 'wmD', type: 1 }),
      followUsers: [
        toFollowUser({ userid: 'a', createtime: 1 }),
        toFollowUser({ userid: 'b', createtime: 2 }),
      ],
    };
    expect(followEntryOf(customer, 'b')?.userid).toBe('b');
    expect(followEntryOf(customer, 'c')).toBeUndefined();
  });
});

describe('group mapping', () => {
  const group = toGroupChat({
    chat_id: 'wrA',
    name: '群',
    owner: 'owner',
    create_time: 1,
    notice: '',
    member_list: [
      { userid: 'owner', type: 1, join_time: 1, join_scene: 1, name: '群主' },
      { userid: 'staff', type: 1, join_time: 2, join_scene: 2 },
      { userid: 'wmCustomer', type: 2, join_time: 3, join_scene: 3, group_nickname: '客户' },
      { userid: 'odd', type: 2, join_time: 4, join_scene: 7 },
    ],
    admin_list: [{ userid: 'staff' }],
  });

  it('should map members, scenes and admins', () => {
    expect(group.notice).toBeUndefined();
    expect(group.members.map((m) => [m.userid, m.type, m.joinScene])).toEqual([
      ['owner', 'employee', 'direct'],
      ['staff', 'employee', 'link'],
      ['wmCustomer', 'customer', 'qrcode'],
      ['odd', 'customer', 'unknown'],
    ]);
    expect(group.adminUserIds).toEqual(['staff']);
  });

  it('should let the owner and employee members read it, and nobody else', () => {
    expect(canReadGroup(group, 'owner')).toBe(true);
    expect(canReadGroup(group, 'staff')).toBe(true);
    // A customer id that happens to equal a userid is not an employee member.
    expect(canReadGroup(group, 'wmCustomer')).toBe(false);
    expect(canReadGroup(group, 'stranger')).toBe(false);
  });

  it('should map the list statuses', () => {
    expect([0, 1, 2, 3].map(toGroupChatStatus)).toEqual([
      'normal',
      'owner_left',
      'inheriting',
      'inherited',
    ]);
  });
});
