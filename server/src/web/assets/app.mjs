// The admin console: a page per tab (#doctor, #names, #org, #events, #webhooks), each calling the same JSON
// API as scripts with the web session cookie. Rendered with preact and htm (tagged templates the
// browser runs as they are: no build step).
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, logout } from './api.mjs';
import { DoctorPage } from './doctor.mjs';
import { EventsPage } from './events.mjs';
import { NamesPage } from './names.mjs';
import { OrgPage } from './org.mjs';
import { WebhooksPage } from './webhooks.mjs';

const TABS = [
  { id: 'doctor', label: '诊断', Page: DoctorPage },
  { id: 'names', label: 'ID 转名称', Page: NamesPage },
  { id: 'org', label: '组织架构同步', Page: OrgPage },
  { id: 'events', label: '回调事件', Page: EventsPage },
  { id: 'webhooks', label: 'Webhook', Page: WebhooksPage },
];

const currentTab = () => TABS.find((tab) => `#${tab.id}` === location.hash) ?? TABS[0];

function App({ userid }) {
  const [tab, setTab] = useState(currentTab);
  const [name, setName] = useState('');
  useEffect(() => {
    const onHash = () => setTab(currentTab());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    api('GET', '/api/me').then(
      (me) => setName(me.user.name ?? ''),
      () => {},
    );
  }, []);
  useEffect(() => {
    document.title = `${tab.label} · wecom-gate 管理后台`;
  }, [tab]);

  const { Page } = tab;
  return html`
    <header class="topbar">
      <span class="brand">wecom-gate 管理后台</span>
      <span class="who" data-user=${userid}>${name ? `${name}（${userid}）` : userid}</span>
      <button class="secondary" data-action="logout" onClick=${logout}>退出登录</button>
    </header>
    <nav class="tabs">
      ${TABS.map(
        (item) =>
          html`<a href="#${item.id}" data-tab=${item.id} aria-current=${item.id === tab.id ? 'page' : undefined}>${item.label}</a>`,
      )}
    </nav>
    <div class="content"><${Page} key=${tab.id} /></div>
  `;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} userid=${root.dataset.userid} />`, root);
