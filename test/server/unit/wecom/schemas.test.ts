import {
  departmentListSchema,
  departmentSimpleListSchema,
} from '../../../../server/src/wecom/address-book-schemas';
import { parseAnswer } from '../../../../server/src/wecom/lenient';
import {
  contactsByUserSchema,
  externalContactDetailSchema,
  groupChatDetailSchema,
  groupChatListSchema,
  oauthUserInfoSchema,
} from '../../../../server/src/wecom/schemas';

// WeCom's answers as its documentation samples and peers' fixtures show them: what the logic uses
// is required, the rest defaults and is named.

describe('tolerant reading of WeCom answers', () => {
  it('should read department/list with or without order, defaulting it to 0', () => {
    const documented = parseAnswer(departmentListSchema, {
      errcode: 0,
      errmsg: 'ok',
      department: [
        {
          id: 2,
          name: '广州研发中心',
          name_en: 'RDGZ',
          department_leader: ['zhangsan'],
          parentid: 1,
          order: 10,
        },
      ],
    });
    expect(documented.defaulted).toEqual([]);
    expect(documented.parsed.data?.department[0]?.order).toBe(10);
    const withoutOrder = parseAnswer(departmentListSchema, {
      department: [
        { id: 1, name: '总部', parentid: 0 },
        { id: 2, name: '研发', parentid: 1, order: 'high' },
      ],
    });
    expect(withoutOrder.parsed.data?.department.map((d) => d.order)).toEqual([0, 0]);
    expect(withoutOrder.defaulted).toEqual(['department.order']);
    const simple = parseAnswer(departmentSimpleListSchema, {
      department_id: [{ id: 2, parentid: 1 }],
    });
    expect(simple).toMatchObject({ parsed: { success: true }, defaulted: ['department_id.order'] });
  });

  it('should still refuse a department without its parent: the tree needs it', () => {
    const { parsed } = parseAnswer(departmentListSchema, { department: [{ id: 2, order: 1 }] });
    expect(parsed.success).toBe(false);
  });

  it('should read batch/get_by_user entries without the follower, type or time', () => {
    const { parsed, defaulted } = parseAnswer(contactsByUserSchema, {
      external_contact_list: [
        {
          external_contact: { external_userid: 'woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA', name: '李四' },
          follow_info: { remark: '李四', unknown_field: { nested: true } },
        },
      ],
      next_cursor: '',
    });
    expect(parsed.data?.external_contact_list[0]).toEqual({
      external_contact: {
        external_userid: 'woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA',
        name: '李四',
        type: 1,
      },
      follow_info: { userid: undefined, remark: '李四', createtime: 0 },
    });
    expect(defaulted.sort()).toEqual([
      'external_contact.type',
      'follow_info.createtime',
      'follow_info.userid',
    ]);
  });

  it('should refuse an externalcontact/get follower without userid: who may read depends on it', () => {
    const { parsed } = parseAnswer(externalContactDetailSchema, {
      external_contact: { external_userid: 'wmA', type: 1 },
      follow_user: [{ remark: 'x', createtime: 1 }],
    });
    expect(parsed.success).toBe(false);
    const tagged = parseAnswer(externalContactDetailSchema, {
      external_contact: { external_userid: 'wmA', type: 2 },
      follow_user: [{ userid: 'rocky', createtime: 1, tags: [{ tag_name: '重要' }] }],
    });
    expect(tagged.parsed.data?.follow_user?.[0]?.tags).toEqual([{ tag_name: '重要', type: 0 }]);
    expect(tagged.defaulted).toEqual(['follow_user.tags.type']);
  });

  it('should read groups without status or times, never without a member type', () => {
    const list = parseAnswer(groupChatListSchema, { group_chat_list: [{ chat_id: 'wrA' }] });
    expect(list).toMatchObject({
      parsed: { data: { group_chat_list: [{ chat_id: 'wrA', status: 0 }] } },
      defaulted: ['group_chat_list.status'],
    });
    const member = { userid: 'zhangsan', type: 1 };
    const group = parseAnswer(groupChatDetailSchema, {
      group_chat: { chat_id: 'wrA', owner: 'zhangsan', member_list: [member] },
    });
    expect(group.defaulted.sort()).toEqual([
      'group_chat.create_time',
      'group_chat.member_list.join_time',
    ]);
    const untyped = parseAnswer(groupChatDetailSchema, {
      group_chat: { chat_id: 'wrA', owner: 'zhangsan', member_list: [{ userid: 'lisi' }] },
    });
    expect(untyped.parsed.success).toBe(false);
  });

  it.each([
    [{ userid: 'zhangsan', user_ticket: 'ticket' }, 'zhangsan'],
    [{ openid: 'oAbc', external_userid: 'wmAbc' }, undefined],
    [{ external_userid: 'wmYsParent', parent_userid: 'parent_01' }, undefined],
  ])('should read auth/getuserinfo %j as userid %s', (answer, userid) => {
    const { parsed } = parseAnswer(oauthUserInfoSchema, { errcode: 0, errmsg: 'ok', ...answer });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.userid).toBe(userid);
  });
});
