// Webhook: endpoints that receive the org changes and the callback events pushed to them
// (GET/POST/PATCH/DELETE /api/admin/webhooks), the secret shown once, rotation, a test event, and
// each endpoint's recent deliveries and failures with "resend".
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from './api.mjs';
import { ErrorNote, formatTime } from './ui.mjs';

const TYPES = {
  'org.department.created': '新增部门',
  'org.department.updated': '更新部门',
  'org.department.deleted': '删除部门',
  'org.member.created': '新增成员',
  'org.member.updated': '更新成员',
  'org.member.deleted': '删除成员',
  'customer.changed': '客户变更',
  'groupchat.changed': '客户群变更',
  'employee.sessions_ended': '成员会话已结束',
  ping: '测试事件',
};
const TRIGGER = { feed: '推送', test: '测试', resend: '重发' };

function SecretNote({ secret, onClose }) {
  if (!secret) return null;
  return html`<div class="notice" data-secret>
    <p><strong>签名密钥（只显示这一次，请立即复制保存）：</strong></p>
    <p><code data-secret-value>${secret}</code></p>
    <button class="secondary" onClick=${onClose}>我已保存</button>
  </div>`;
}

function Deliveries({ endpoint, version }) {
  const [rows, setRows] = useState([]);
  const [failedOnly, setFailedOnly] = useState(false);
  const [error, setError] = useState('');
  const load = () =>
    api(
      'GET',
      `/api/admin/webhooks/${endpoint.id}/deliveries?order=desc&limit=20${failedOnly ? '&failed=true' : ''}`,
    ).then(
      (page) => setRows(page.deliveries),
      (failure) => setError(errorText(failure)),
    );
  useEffect(() => {
    load();
  }, [endpoint.id, failedOnly, version]);
  const resend = async (row) => {
    setError('');
    try {
      await api('POST', `/api/admin/webhooks/${endpoint.id}/deliveries/${row.deliveryId}/resend`);
    } catch (failure) {
      setError(errorText(failure));
    }
    load();
  };
  return html`<div data-deliveries=${endpoint.id}>
    <label><input type="checkbox" checked=${failedOnly} onChange=${(e) => setFailedOnly(e.target.checked)} /> 只看失败</label>
    <${ErrorNote} text=${error} />
    <div class="table-wrap"><table>
      <thead><tr><th>时间</th><th>事件</th><th>结果</th><th>耗时</th><th>响应</th><th></th></tr></thead>
      <tbody>${rows.map(
        (row) => html`<tr data-delivery=${row.deliveryId} data-ok=${row.ok}>
          <td>${formatTime(row.at)}<div class="muted">${TRIGGER[row.trigger] ?? row.trigger} · 第 ${row.attempt} 次</div></td>
          <td>${TYPES[row.type] ?? row.type} <code class="raw">${row.type}</code>${row.feedSeq && html`<div><code class="raw" title="seq">${row.feedSeq}</code></div>`}</td>
          <td><span class="badge status-${row.ok ? 'ok' : 'fail'}">${row.ok ? '成功' : '失败'}</span> ${row.status ?? ''}<div class="muted">${row.error ?? ''}</div></td>
          <td>${row.durationMs} ms</td>
          <td><code class="raw">${row.excerpt.slice(0, 200)}</code></td>
          <td>${row.feedSeq && html`<button class="secondary" data-action="resend" onClick=${() => resend(row)}>重发</button>`}</td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${rows.length === 0 && html`<p class="muted" data-empty>还没有投递记录。</p>`}
  </div>`;
}

function Endpoint({ endpoint, onChanged, onSecret }) {
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const act = async (method, path, body) => {
    setError('');
    try {
      const answer = await api(method, `/api/admin/webhooks/${endpoint.id}${path}`, body);
      if (answer?.secret) onSecret(answer.secret);
      setVersion((n) => n + 1);
      onChanged();
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  const remove = () => {
    if (confirm(`删除 ${endpoint.url}？`)) act('DELETE', '');
  };
  return html`<section class="card" data-endpoint=${endpoint.id}>
    <h3><code>${endpoint.url}</code></h3>
    <p>
      <span class="badge status-${endpoint.enabled ? 'ok' : endpoint.disabled ? 'fail' : 'warn'}" data-state>${
        endpoint.enabled ? '已启用' : endpoint.disabled ? '重试用尽，已停用' : '已停用'
      }</span>
      <span class="muted"> 创建于 ${formatTime(endpoint.createdAt)}</span>
    </p>
    ${
      endpoint.disabled &&
      html`<p class="error" data-disabled>投递连续失败，重试用尽后于 ${formatTime(endpoint.disabled.at)} 被停用（${endpoint.lastError ?? ''}）。修好接收方后点「启用」，会从停下的那条记录继续。</p>`
    }
    ${
      endpoint.enabled &&
      endpoint.failures > 0 &&
      html`<p class="error" data-retrying>已失败 ${endpoint.failures} 次（${endpoint.lastError ?? ''}），下次重试：${formatTime(endpoint.retryAt)}</p>`
    }
    <p>事件：${endpoint.events.map((type) => html`<span class="badge">${TYPES[type] ?? type}</span> `)}</p>
    <div class="actions">
      <button class="secondary" data-action="toggle" onClick=${() => act('PATCH', '', { enabled: !endpoint.enabled })}>${endpoint.enabled ? '停用' : '启用'}</button>
      <button class="secondary" data-action="test" onClick=${() => act('POST', '/test')}>发送测试事件</button>
      <button class="secondary" data-action="rotate" onClick=${() => act('POST', '/rotate-secret')}>轮换密钥</button>
      <button class="secondary" data-action="delete" onClick=${remove}>删除</button>
    </div>
    <${ErrorNote} text=${error} />
    <${Deliveries} endpoint=${endpoint} version=${version} />
  </section>`;
}

function NewEndpoint({ onCreated }) {
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState(new Set(Object.keys(TYPES).filter((t) => t !== 'ping')));
  const [from, setFrom] = useState('');
  const [error, setError] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    setError('');
    try {
      const created = await api('POST', '/api/admin/webhooks', {
        url,
        events: [...types],
        ...(from && { from }),
      });
      setUrl('');
      setFrom('');
      onCreated(created);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  const toggle = (type) => {
    const next = new Set(types);
    if (next.has(type)) next.delete(type);
    else next.add(type);
    setTypes(next);
  };
  return html`<form class="card" data-form="new-endpoint" onSubmit=${submit}>
    <h3>新增端点</h3>
    <label>接收地址（https）<input name="url" type="url" required value=${url} onInput=${(e) => setUrl(e.target.value)} placeholder="https://crm.example.com/hooks/wecom" /></label>
    <fieldset><legend>事件类型</legend>
      ${Object.keys(TYPES)
        .filter((type) => type !== 'ping')
        .map(
          (type) =>
            html`<label><input type="checkbox" name=${type} checked=${types.has(type)} onChange=${() => toggle(type)} /> ${TYPES[type]} <code class="raw">${type}</code></label>`,
        )}
    </fieldset>
    <label>从这个位置开始补发（可选，feed 的 seq；0 = 从最早保留的记录）<input name="from" value=${from} onInput=${(e) => setFrom(e.target.value)} /></label>
    <button type="submit" data-action="create">创建</button>
    <${ErrorNote} text=${error} />
  </form>`;
}

export function WebhooksPage() {
  const [endpoints, setEndpoints] = useState([]);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  const load = () =>
    api('GET', '/api/admin/webhooks').then(
      (answer) => setEndpoints(answer.endpoints),
      (failure) => setError(errorText(failure)),
    );
  useEffect(() => {
    load();
  }, []);
  return html`<div>
    <p class="muted">把组织架构变更和回调事件按顺序推送给后端系统（CRM、HR 系统等），签名遵循 Standard Webhooks 规范，接收方可用 <code>standardwebhooks</code> 库校验。</p>
    <${SecretNote} secret=${secret} onClose=${() => setSecret('')} />
    <${ErrorNote} text=${error} />
    ${endpoints.map(
      (endpoint) =>
        html`<${Endpoint} key=${endpoint.id} endpoint=${endpoint} onChanged=${load} onSecret=${setSecret} />`,
    )}
    ${endpoints.length === 0 && html`<p class="muted" data-empty>还没有 Webhook 端点。</p>`}
    <${NewEndpoint} onCreated=${(created) => {
      setSecret(created.secret);
      load();
    }} />
  </div>`;
}
