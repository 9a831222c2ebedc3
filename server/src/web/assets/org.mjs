// 组织架构同步: the last full sync, a button that starts one (POST /api/admin/org/sync) with its
// progress read every half second, and the change feed (GET /api/admin/org/changes) page by page.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from './api.mjs';
import { useFeed } from './feed.mjs';
import { ErrorNote, formatTime, Pager } from './ui.mjs';

const POLL_MS = 500;
const PHASE = {
  departments: '正在读取部门',
  members: '正在读取成员',
  writing: '正在写入快照',
  commit: '正在提交',
};
const KIND = { department: '部门', member: '成员' };
const OP = { created: '新增', updated: '更新', deleted: '删除' };

function show(value) {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Diff({ change }) {
  const keys = [
    ...new Set([...Object.keys(change.before ?? {}), ...Object.keys(change.after ?? {})]),
  ];
  if (keys.length === 0) return html`<span class="muted">—</span>`;
  return html`${keys.map((key) => {
    const value =
      change.op === 'created'
        ? show(change.after?.[key])
        : change.op === 'deleted'
          ? show(change.before?.[key])
          : `${show(change.before?.[key])} → ${show(change.after?.[key])}`;
    return html`<div><code>${key}</code> ${value}</div>`;
  })}`;
}

function LastSync({ last }) {
  if (!last) return html`<p class="muted" data-last="none">还没有同步过。</p>`;
  return html`<div data-last=${last.ok ? 'ok' : 'failed'}>
    <p><span class="badge status-${last.ok ? 'ok' : 'fail'}">${last.ok ? '成功' : '失败'}</span>
      <span class="muted"> 开始 ${formatTime(last.startedAt)} · 结束 ${formatTime(last.finishedAt)}</span></p>
    <div class="grid">
      <div>变更<b data-count="changes">${last.changes}</b></div>
      <div>部门<b>${last.departments ?? '—'}</b></div>
      <div>成员<b>${last.members ?? '—'}</b></div>
      <div>企业微信调用<b>${last.wecomCalls}</b></div>
    </div>
    ${
      last.error &&
      html`<div class="error"><p>${last.error.cause?.zh ?? last.error.message}</p>
        ${last.error.fix && html`<p><strong>修复方法：</strong>${last.error.fix.zh}</p><p class="en" lang="en">${last.error.fix.en}</p>`}</div>`
    }
    ${(last.notes ?? []).map(
      (note) =>
        html`<p class="muted">${note.api} errcode ${note.errcode}：${note.cause.zh} ${note.fix.zh}</p>`,
    )}
  </div>`;
}

export function OrgPage() {
  const [status, setStatus] = useState(null);
  const [error, setError] = useState('');
  const [starting, setStarting] = useState(false);
  const feed = useFeed('/api/admin/org/changes', 'changes');
  const timer = useRef(0);
  const wasRunning = useRef(false);

  const poll = async () => {
    clearTimeout(timer.current);
    try {
      const current = await api('GET', '/api/admin/org/sync');
      setStatus(current);
      if (current.running) {
        wasRunning.current = true;
        timer.current = setTimeout(poll, POLL_MS);
      } else if (wasRunning.current) {
        wasRunning.current = false;
        feed.reload();
      }
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  useEffect(() => {
    poll();
    return () => clearTimeout(timer.current);
  }, []);

  const start = async () => {
    setStarting(true);
    setError('');
    try {
      await api('POST', '/api/admin/org/sync');
    } catch (failure) {
      if (failure.code !== 'org.sync_running') setError(errorText(failure));
    } finally {
      setStarting(false);
    }
    wasRunning.current = true;
    poll();
  };

  const running = status?.running === true;
  return html`<section data-page="org">
    <h1>组织架构同步</h1>
    <${ErrorNote} text=${error} />
    <div class="card">
      <div class="actions flush">
        <button data-action="sync" disabled=${running || starting} onClick=${start}>${running ? '同步中…' : '立即同步'}</button>
        <span class="muted">从企业微信读取全部部门和成员，与上次的快照比较，把差异写入变更记录。</span>
      </div>
      ${
        running &&
        html`<div data-sync="running">
          <p>${PHASE[status.phase] ?? '正在同步'}…</p>
          <div class="progress indeterminate"><span></span></div>
          ${status.counts && html`<p class="muted">部门 ${status.counts.departments} · 成员 ${status.counts.members} · 企业微信调用 ${status.counts.wecomCalls}</p>`}
        </div>`
      }
      <h2>上次同步</h2>
      ${status && html`<${LastSync} last=${status.last} />`}
    </div>
    <h2>变更记录</h2>
    <${ErrorNote} text=${feed.error} />
    <${Pager} page=${feed.page} hasNext=${feed.next !== null} busy=${feed.busy} onPrevious=${feed.previous} onNext=${feed.next} />
    <table data-table="changes">
      <thead><tr><th>序号</th><th>时间</th><th>对象</th><th>变更</th><th>ID</th><th>内容</th></tr></thead>
      <tbody>${feed.items.map(
        (change) => html`<tr key=${change.seq} data-seq=${change.seq}>
          <td>${change.seq}</td><td>${formatTime(change.at)}</td><td>${KIND[change.kind] ?? change.kind}</td>
          <td>${OP[change.op] ?? change.op}</td><td><code>${change.id}</code></td><td><${Diff} change=${change} /></td>
        </tr>`,
      )}</tbody>
    </table>
    ${!feed.busy && feed.items.length === 0 && !feed.error && html`<p class="muted">没有变更记录。</p>`}
  </section>`;
}
