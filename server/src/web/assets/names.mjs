// ID 转名称: ids pasted or uploaded → POST /api/admin/names (200 a request) → a table and a CSV
// that Excel opens as UTF-8 (byte order mark), in the same format as `npm run names`, written by
// the same library with the same options (csv-stringify, loaded when a CSV is first downloaded):
// a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with '.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, errorText } from './api.mjs';
import { ErrorNote } from './ui.mjs';

const PER_REQUEST = 200;
const MAX_IDS = 5000;
const ID = /^[\w.@-]{1,128}$/;
const KINDS = ['user', 'external', 'groupchat'];
const KIND_TEXT = { user: '成员', external: '客户', groupchat: '客户群' };
const REASON_TEXT = {
  not_found: '不存在或不可见',
  no_name: '没有名称',
  refused: '企业微信拒绝',
  unavailable: '企业微信暂不可用',
  deadline: '未在时限内查完，请重试',
};
const SOURCE_TEXT = { cache: '缓存', wecom: '企业微信' };

/** `type:id`, or a bare id whose type is inferred: wm/wo → 客户, wr → 客户群, else 成员. */
export function parseIds(text) {
  const ids = [];
  const invalid = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    let type;
    let id = line;
    if (colon > 0) {
      type = line.slice(0, colon).trim();
      id = line.slice(colon + 1).trim();
    } else type = /^w[mo]/.test(line) ? 'external' : line.startsWith('wr') ? 'groupchat' : 'user';
    if (KINDS.includes(type) && ID.test(id)) ids.push({ type, id });
    else invalid.push(index + 1);
  });
  return { ids, invalid };
}

async function toCsv(rows) {
  const { stringify } = await import('csv-stringify/browser/esm/sync');
  const records = rows.map((row) => {
    const source =
      row.name === null
        ? ['unresolved', row.reason, row.errcode].filter((x) => x !== undefined).join(':')
        : row.source;
    return [row.type, row.id, row.name ?? '', source];
  });
  return stringify(records, {
    bom: true,
    header: true,
    columns: ['type', 'id', 'name', 'source'],
    escape_formulas: true,
  });
}

function download(text, filename) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function NamesPage() {
  const [text, setText] = useState('');
  const [rows, setRows] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState('');

  const upload = async (event) => {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    const content = (await file.text()).replace(/^\uFEFF/, '');
    setText((current) => (current.trim() ? `${current.trimEnd()}\n${content}` : content));
    event.currentTarget.value = '';
  };

  const resolve = async () => {
    const { ids, invalid } = parseIds(text);
    if (invalid.length > 0) {
      setError(
        `第 ${invalid.slice(0, 10).join('、')} 行不是有效的 ID（格式：id 或 type:id，type 为 user、external、groupchat）。`,
      );
      return;
    }
    if (ids.length === 0) {
      setError('请先粘贴或上传 ID，每行一个。');
      return;
    }
    if (ids.length > MAX_IDS) {
      setError(`一次最多 ${MAX_IDS} 个 ID；更多请用命令行 npm run names。`);
      return;
    }
    setBusy(true);
    setError('');
    setRows(null);
    const byKey = new Map();
    try {
      for (let start = 0; start < ids.length; start += PER_REQUEST) {
        setProgress(`正在查询 ${Math.min(start + PER_REQUEST, ids.length)} / ${ids.length}…`);
        const answer = await api('POST', '/api/admin/names', {
          ids: ids.slice(start, start + PER_REQUEST),
        });
        for (const found of answer.names) byKey.set(`${found.type}:${found.id}`, found);
        for (const missing of answer.unresolved)
          byKey.set(`${missing.type}:${missing.id}`, { ...missing, name: null });
      }
      setRows(
        ids.map(
          (request) =>
            byKey.get(`${request.type}:${request.id}`) ?? {
              ...request,
              name: null,
              reason: 'not_found',
            },
        ),
      );
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
      setProgress('');
    }
  };

  const downloadCsv = () =>
    toCsv(rows).then(
      (csv) => download(csv, 'names.csv'),
      (failure) => setError(errorText(failure)),
    );

  const resolved = rows ? rows.filter((row) => row.name !== null).length : 0;
  return html`<section data-page="names">
    <h1>ID 转名称</h1>
    <p class="muted">每行一个 ID：成员 userid、客户 external_userid（wm/wo 开头）、客户群 chat_id（wr 开头），也可写成 <code>type:id</code>。</p>
    <textarea data-input="ids" placeholder=${'zhangsan\nwmYsDemoCust01\nwrYsDemoGroup01'} value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
    <div class="actions">
      <button data-action="resolve" disabled=${busy} onClick=${resolve}>${busy ? '查询中…' : '查询名称'}</button>
      <label class="muted">或上传文件：<input type="file" data-input="file" accept=".txt,.csv,text/plain" onChange=${upload} /></label>
      ${rows && html`<button class="secondary" data-action="download" onClick=${downloadCsv}>下载 CSV</button>`}
      <span class="muted">${progress}</span>
    </div>
    <${ErrorNote} text=${error} />
    ${
      rows &&
      html`<h2>结果：${resolved} / ${rows.length} 个已找到名称</h2>
      <div class="table-wrap"><table data-table="names">
        <thead><tr><th>类型</th><th>ID</th><th>名称</th><th>来源</th></tr></thead>
        <tbody>${rows.map(
          (row) => html`<tr key=${`${row.type}:${row.id}`} data-id=${row.id}>
            <td>${KIND_TEXT[row.type]}</td><td><code>${row.id}</code></td>
            ${
              row.name === null
                ? html`<td class="unresolved">（${REASON_TEXT[row.reason] ?? row.reason}${row.errcode !== undefined ? `，errcode ${row.errcode}` : ''}）</td>`
                : html`<td>${row.name}</td>`
            }
            <td class="muted">${SOURCE_TEXT[row.source] ?? ''}</td>
          </tr>`,
        )}</tbody>
      </table></div>`
    }
  </section>`;
}
