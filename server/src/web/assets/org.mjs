// 组织架构同步: the last full sync, a button that starts one (POST /api/admin/org/sync) with its
// progress read every half second, and the change feed (`changes.mjs`).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from './api.mjs';
import { ChangeFeed } from './changes.mjs';
import { ErrorNote, formatTime } from './ui.mjs';

const POLL_MS = 500;
const PHASE = {
  departments: '正在读取部门',
  members: '正在读取成员',
  writing: '正在写入快照',
  commit: '正在提交',
};

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
  // Finished syncs seen here: the feed and the department names are read again after each.
  const [syncs, setSyncs] = useState(0);
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
        setSyncs((n) => n + 1);
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
    <${ChangeFeed} version=${syncs} />
  </section>`;
}
