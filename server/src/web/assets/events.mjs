// 回调事件: what WeCom's callbacks delivered and what each changed (GET /api/admin/events), newest
// first, with event names and change types in Chinese and WeCom's own names beside them.
import { html } from 'htm/preact';
import { useFeed } from './feed.mjs';
import { ErrorNote, Labelled, Pager, TimeAndSeq } from './ui.mjs';

const RECEIVER = { app: '应用回调', directory: '通讯录回调' };
const EFFECT = {
  customer_dropped: '已清除该客户的缓存',
  group_dropped: '已清除该客户群的缓存',
  sessions_ended: '已结束该成员的全部会话',
  handed_off: '已交给组织架构同步',
  recorded: '仅记录',
  none: '无需处理',
};

/** `Event` (or `MsgType` for messages) as the receivers record it. */
const EVENT = {
  change_contact: '通讯录变更',
  change_external_contact: '客户变更',
  change_external_chat: '客户群变更',
  change_external_tag: '客户标签变更',
  subscribe: '成员关注应用',
  unsubscribe: '成员取消关注应用',
  enter_agent: '进入应用',
  batch_job_result: '异步任务完成',
  text: '文本消息',
  image: '图片消息',
  voice: '语音消息',
  video: '视频消息',
  location: '位置消息',
  link: '链接消息',
  unknown: '未知事件',
};

/** `ChangeType`: the same word means different things in the group and tag events. */
const CHANGE_TYPE = {
  create_user: '新增成员',
  update_user: '更新成员',
  delete_user: '删除成员',
  create_party: '新增部门',
  update_party: '更新部门',
  delete_party: '删除部门',
  update_tag: '标签成员变更',
  add_external_contact: '添加客户',
  edit_external_contact: '编辑客户',
  add_half_external_contact: '客户免验证添加成员',
  del_external_contact: '删除客户',
  del_follow_user: '客户删除成员',
  transfer_fail: '客户接替失败',
  'change_external_chat/create': '新建客户群',
  'change_external_chat/update': '客户群信息变更',
  'change_external_chat/dismiss': '解散客户群',
  'change_external_tag/create': '新建客户标签',
  'change_external_tag/update': '修改客户标签',
  'change_external_tag/delete': '删除客户标签',
  'change_external_tag/shuffle': '重排客户标签',
};

const ID = {
  userId: '成员',
  newUserId: '新 userid',
  externalUserId: '客户',
  chatId: '客户群',
  departmentId: '部门',
  tagId: '标签',
};

/** `a+b` effects in Chinese, each with its key. */
function Effect({ effect }) {
  return html`${String(effect)
    .split('+')
    .map((key) => html`<div>${EFFECT[key] ?? key} <span class="muted">${key}</span></div>`)}`;
}

function Ids({ ids }) {
  const entries = Object.entries(ids ?? {}).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return html`<span class="muted">—</span>`;
  return html`${entries.map(
    ([key, value]) =>
      html`<div><span class="muted" title=${key}>${ID[key] ?? key}</span> <code>${value}</code></div>`,
  )}`;
}

function EventName({ event }) {
  const { changeType } = event;
  return html`<div data-event=${event.event}><${Labelled} text=${EVENT[event.event]} raw=${event.event} /></div>
    ${
      changeType &&
      html`<div data-change-type=${changeType}><${Labelled}
        text=${CHANGE_TYPE[`${event.event}/${changeType}`] ?? CHANGE_TYPE[changeType]} raw=${changeType} /></div>`
    }`;
}

export function EventsPage() {
  const feed = useFeed('/api/admin/events', 'events');
  return html`<section data-page="events">
    <h1>回调事件</h1>
    <p class="muted">企业微信推送到 <code>/wecom/callback/app</code> 与 <code>/wecom/callback/directory</code> 并通过校验的事件，以及每个事件带来的变化。最新的在前。</p>
    <div class="actions"><button class="secondary" data-action="refresh" onClick=${feed.refresh}>刷新</button></div>
    <${ErrorNote} text=${feed.error} />
    <${Pager} feed=${feed} />
    <div class="table-wrap"><table data-table="events">
      <thead><tr><th>时间 · 序号</th><th>来源</th><th>事件</th><th>ID</th><th>效果</th></tr></thead>
      <tbody>${feed.items.map(
        (event) => html`<tr key=${event.seq} data-seq=${event.seq}>
          <td><${TimeAndSeq} record=${event} /></td><td>${RECEIVER[event.receiver] ?? event.receiver}</td>
          <td><${EventName} event=${event} /></td>
          <td><${Ids} ids=${event.ids} /></td><td><${Effect} effect=${event.effect} /></td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${!feed.busy && feed.items.length === 0 && !feed.hasNext && !feed.error && html`<p class="muted" data-empty>还没有收到回调事件。</p>`}
  </section>`;
}
