// 诊断: the doctor's checklist (GET /api/admin/diagnostics) with a re-run.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from './api.mjs';
import { ErrorNote, formatTime } from './ui.mjs';

const STATUS = { ok: '通过', fail: '未通过', warn: '警告', skipped: '已跳过' };

function Check({ check }) {
  return html`<li class="check status-${check.status}" data-check=${check.id} data-status=${check.status}>
    <header>
      <span class="badge status-${check.status}">${STATUS[check.status] ?? check.status}</span>
      <code>${check.id}</code>
      ${check.credential && html`<span class="muted">凭据 ${check.credential}</span>`}
    </header>
    <p>${check.summary.zh}</p>
    <p class="en" lang="en">${check.summary.en}</p>
    ${
      check.errcode !== undefined &&
      html`<p data-wecom>企业微信返回 errcode <code>${check.errcode}</code>${check.api && html`（接口 <code>${check.api}</code>）`}</p>`
    }
    ${check.blockedBy && html`<p class="muted">因 <code>${check.blockedBy}</code> 未通过而跳过。</p>`}
    ${
      check.fix &&
      html`<div class="fix" data-fix>
        <strong>修复方法：</strong>${check.fix.zh}
        <p class="en" lang="en">Fix: ${check.fix.en}</p>
      </div>`
    }
    ${check.link && html`<p><a href=${check.link} target="_blank" rel="noopener noreferrer">企业微信文档</a></p>`}
  </li>`;
}

export function DoctorPage() {
  const [report, setReport] = useState(null);
  const [error, setError] = useState('');
  const [running, setRunning] = useState(false);
  const [runs, setRuns] = useState(0);

  const run = async () => {
    setRunning(true);
    setError('');
    try {
      setReport(await api('GET', '/api/admin/diagnostics'));
      setRuns((n) => n + 1);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setRunning(false);
    }
  };
  useEffect(() => {
    run();
  }, []);

  const failed = report ? report.checks.filter((c) => c.status === 'fail').length : 0;
  const warned = report ? report.checks.filter((c) => c.status === 'warn').length : 0;
  return html`<section data-page="doctor" data-runs=${runs}>
    <h1>诊断</h1>
    <${ErrorNote} text=${error} />
    ${
      report &&
      html`<div class="verdict ${report.ok ? 'ok' : 'fail'}" data-verdict=${report.ok ? 'ok' : 'fail'}>
        <div>
          <strong>${report.ok ? '全部关键检查通过' : `${failed} 项检查未通过`}</strong>
          ${warned > 0 && html`<span>，${warned} 项警告</span>`}
          <div class="muted">企业 ${report.corpId} · 检查时间 <span data-checked-at>${formatTime(report.checkedAt)}</span></div>
        </div>
        <div class="actions">
          <button data-action="rerun" disabled=${running} onClick=${run}>${running ? '检查中…' : '重新检查'}</button>
        </div>
      </div>`
    }
    ${!report && running && html`<p class="loading">正在检查企业微信配置…</p>`}
    ${report && html`<ul class="checks">${report.checks.map((check) => html`<${Check} key=${check.id} check=${check} />`)}</ul>`}
  </section>`;
}
