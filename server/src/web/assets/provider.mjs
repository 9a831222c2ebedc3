// 服务商: the service provider's suites and the corps that installed them (GET
// /api/admin/provider/corps, the home corp's console only, when the corps file has suites): when
// each suite's last suite_ticket arrived (without a fresh one no suite token, hence no install
// link), 生成安装链接 (POST /api/admin/provider/install-url) with 复制, and each installed corp
// with a link to its own admin console.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, BASE, errorText } from './api.mjs';
import { CORP_KIND } from './corps.mjs';
import { ErrorNote, formatTime } from './ui.mjs';

const SUITE_KIND = { custom: '代开发模板', 'third-party': '第三方应用' };
/**
 * WeCom pushes a suite_ticket every 10 minutes; one older than 30 minutes makes no token. The
 * server's figure, from the console's shell (pages.ts).
 */
const TICKET_LIFETIME_MS = Number(document.getElementById('app').dataset.ticketLifetimeMs);

const ticketStale = (at) => !at || Date.now() - Date.parse(at) > TICKET_LIFETIME_MS;

function InstallLink({ url }) {
  const input = useRef(null);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('已复制');
    } catch {
      // No clipboard API (a page over plain http off loopback): select it for Ctrl+C.
      input.current?.select();
      setCopied(document.execCommand?.('copy') ? '已复制' : '已选中，请按 Ctrl+C 复制');
    }
  };
  return html`<div class="install-link">
    <input ref=${input} readonly value=${url} data-install-url aria-label="安装链接" onFocus=${(e) => e.target.select()} />
    <button class="secondary" data-action="copy" onClick=${copy}>复制</button>
    ${copied && html`<span class="muted" data-copied role="status">${copied}</span>`}
  </div>
  <p class="muted">把链接发给要安装的企业的管理员，在浏览器中打开并授权。每次生成的链接带一个新的预授权码，20 分钟内有效。</p>`;
}

function Suite({ suite }) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const stale = ticketStale(suite.ticketReceivedAt);
  const callbackUrl = `${location.origin}${BASE}/wecom/suites/${suite.suiteId}/callback`;
  const make = async () => {
    setBusy(true);
    setError('');
    try {
      setUrl(
        (await api('POST', '/api/admin/provider/install-url', { suiteId: suite.suiteId })).url,
      );
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card" data-suite=${suite.suiteId} data-kind=${suite.kind}>
    <h3>${suite.name ?? suite.suiteId} <span class="badge status-skipped" data-suite-kind>${SUITE_KIND[suite.kind] ?? suite.kind}</span></h3>
    ${suite.name && html`<p><code class="raw" title="SuiteID">${suite.suiteId}</code></p>`}
    <p data-ticket=${stale ? 'stale' : 'fresh'}>
      最近一次 suite_ticket：<span data-ticket-at>${suite.ticketReceivedAt ? formatTime(suite.ticketReceivedAt) : '还没有收到'}</span>
      ${stale && html` <span class="badge status-warn" data-ticket-warning>票据已超过30分钟</span>`}
    </p>
    ${
      stale &&
      html`<p class="muted">企业微信每 10 分钟向指令回调推送一次 suite_ticket，超过 30 分钟的票据无法换取 suite_access_token，安装链接和已安装企业的凭证都会失败。请在服务商管理后台确认该应用的指令回调 URL 为 <code>${callbackUrl}</code>，并可在应用详情中手动刷新 Ticket。</p>`
    }
    <div class="actions">
      <button data-action="install-url" disabled=${busy} onClick=${make}>${busy ? '生成中…' : '生成安装链接'}</button>
    </div>
    <${ErrorNote} text=${error} />
    ${url && html`<${InstallLink} key=${url} url=${url} />`}
  </section>`;
}

function InstalledCorps({ corps, suites }) {
  const suiteName = (suiteId) => suites.find((suite) => suite.suiteId === suiteId)?.name;
  if (corps.length === 0)
    return html`<p class="muted" data-empty="corps">还没有企业安装服务商的应用。</p>`;
  return html`<div class="table-wrap"><table data-table="installed">
    <thead><tr><th>企业</th><th>类型</th><th>应用</th><th>安装时间</th><th>管理后台</th></tr></thead>
    <tbody>${corps.map(
      (corp) => html`<tr key=${corp.corpId} data-corp=${corp.corpId} data-kind=${corp.kind}>
        <td>${corp.corpName ?? corp.corpId}${corp.corpName && html`<div><code class="raw" title="CorpID">${corp.corpId}</code></div>`}</td>
        <td class="nowrap">${CORP_KIND[corp.kind] ?? corp.kind}</td>
        <td>${suiteName(corp.suiteId) ?? ''}<div><code class="raw" title="SuiteID">${corp.suiteId}</code></div></td>
        <td class="nowrap">${formatTime(corp.installedAt)}</td>
        <td class="nowrap"><a href=${`${location.origin}${corp.path}admin/`} data-console>打开管理后台</a></td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}

export function ProviderPage() {
  const [status, setStatus] = useState(null);
  const [error, setError] = useState('');
  const [loads, setLoads] = useState(0);
  const load = () =>
    api('GET', '/api/admin/provider/corps').then(
      (answer) => {
        setError('');
        setStatus(answer);
        setLoads((n) => n + 1);
      },
      (failure) => setError(errorText(failure)),
    );
  useEffect(() => {
    load();
  }, []);
  return html`<section data-page="provider" data-loads=${loads}>
    <h1>服务商</h1>
    <p class="muted">服务商的应用（代开发模板、第三方应用）和安装了它们的企业。企业安装后，本服务在 <code>${BASE}/corps/企业ID/</code> 下为它提供接口和它自己的管理后台。</p>
    <${ErrorNote} text=${error} />
    ${!status && !error && html`<p class="loading">正在加载…</p>`}
    ${
      status &&
      html`<h2>应用</h2>
      <div class="cards">${status.suites.map((suite) => html`<${Suite} key=${suite.suiteId} suite=${suite} />`)}</div>
      <h2>已安装的企业 <span class="muted">（${status.corps.length}）</span></h2>
      <div class="actions flush"><button class="secondary" data-action="refresh" onClick=${load}>刷新</button></div>
      <${InstalledCorps} corps=${status.corps} suites=${status.suites} />`
    }
  </section>`;
}
