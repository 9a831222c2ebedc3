import type { CorpModel } from '../corp';
import type { DemoCustomer, DemoFollow } from '../seed-types';
import type { Answer } from './types';

/** The wire shapes of externalcontact/get and batch/get_by_user. */

export function externalContact(c: DemoCustomer): Answer {
  const base: Answer = {
    external_userid: c.external_userid,
    name: c.name,
    type: c.type,
    avatar: c.avatar,
    gender: c.gender,
  };
  if (c.type === 1) return c.unionid ? { ...base, unionid: c.unionid } : base;
  return {
    ...base,
    position: c.position ?? '',
    corp_name: c.corp_name ?? '',
    corp_full_name: c.corp_full_name ?? '',
    external_profile: { external_corp_name: c.corp_full_name ?? '', external_attr: [] },
  };
}

function commonFollow(f: DemoFollow): Answer {
  return {
    userid: f.userid,
    remark: f.remark,
    description: f.description,
    createtime: f.createtime,
    ...(f.remark_corp_name !== undefined ? { remark_corp_name: f.remark_corp_name } : {}),
    remark_mobiles: f.remark_mobiles,
    oper_userid: f.oper_userid,
    add_way: f.add_way,
    ...(f.state !== undefined ? { state: f.state } : {}),
  };
}

/** `follow_user[]` entry of externalcontact/get: tags as objects. */
export function followUser(f: DemoFollow, corp: CorpModel): Answer {
  const tags = [
    ...f.tag_ids.flatMap((id) => {
      const tag = corp.tags.get(id);
      return tag
        ? [{ group_name: tag.group_name, tag_name: tag.tag_name, tag_id: id, type: 1 }]
        : [];
    }),
    ...f.personal_tags.map((name) => ({ group_name: '', tag_name: name, type: 2 })),
  ];
  return { ...commonFollow(f), tags };
}

/** `follow_info` of batch/get_by_user: corp tag ids only. */
export function followInfo(f: DemoFollow): Answer {
  return { ...commonFollow(f), tag_id: f.tag_ids };
}
