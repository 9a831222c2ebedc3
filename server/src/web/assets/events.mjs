// 回调事件: what WeCom's callbacks delivered and what each changed (GET /api/admin/events).
import { html } from 'htm/preact';
import { useFeed } from './feed.mjs';
import { ErrorNote, formatTime, Pager } from './ui.mjs';

const RECEIVER = { app: '应用回调', directory: '通讯录回调' };
const EFFECT = {
  customer_dropped: '已清除该客户的缓存',
  group_dropped: '已清除该客户群的缓存',
  sessions_ended: '已结束该成员的全部会话',
  handed_off: '已交给组织架构同步',
  recorded: '仅记录',
  none: '无需处理',
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
  return html`${entries.map(([key, value]) => html`<div><span class="muted">${key}</span> <code>${value}</code></div>`)}`;
}

export function EventsPage() {
  const feed = useFeed('/api/admin/events', 'events');
  return html`<section data-page="events">
    <h1>回调事件</h1>
    <p class="muted">企业微信推送到 <code>/wecom/callback/app</code> 与 <code>/wecom/callback/directory</code> 并通过校验的事件，以及每个事件带来的变化。</p>
    <div class="actions"><button class="secondary" data-action="refresh" onClick=${feed.reload}>刷新</button></div>
    <${ErrorNote} text=${feed.error} />
    <${Pager} page=${feed.page} hasNext=${feed.next !== null} busy=${feed.busy} onPrevious=${feed.previous} onNext=${feed.next} />
    <table data-table="events">
      <thead><tr><th>序号</th><th>时间</th><th>来源</th><th>事件</th><th>ID</th><th>效果</th></tr></thead>
      <tbody>${feed.items.map(
        (event) => html`<tr key=${event.seq} data-seq=${event.seq}>
          <td>${event.seq}</td><td>${formatTime(event.at)}</td><td>${RECEIVER[event.receiver] ?? event.receiver}</td>
          <td><code>${event.event}</code>${event.changeType && html` / <code>${event.changeType}</code>`}</td>
          <td><${Ids} ids=${event.ids} /></td><td><${Effect} effect=${event.effect} /></td>
        </tr>`,
      )}</tbody>
    </table>
    ${!feed.busy && feed.items.length === 0 && !feed.error && html`<p class="muted" data-empty>还没有收到回调事件。</p>`}
  </section>`;
}
