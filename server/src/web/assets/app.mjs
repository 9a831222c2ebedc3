// The admin console: a page per tab (#doctor, #names, #org, #events, #webhooks, and #provider for
// the home corp of a deployment with suites), each calling the same JSON API as scripts with the
// web session cookie; in the header, the corp switcher when the deployment serves several corps.
// Rendered with preact and htm (tagged templates the browser runs as they are: no build step).
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, logout } from './api.mjs';
import { CorpSwitcher } from './corps.mjs';
import { DoctorPage } from './doctor.mjs';
import { EventsPage } from './events.mjs';
import { NamesPage } from './names.mjs';
import { OrgPage } from './org.mjs';
import { ProviderPage } from './provider.mjs';
import { WebhooksPage } from './webhooks.mjs';

const TABS = [
  { id: 'doctor', label: '诊断', Page: DoctorPage },
  { id: 'names', label: 'ID 转名称', Page: NamesPage },
  { id: 'org', label: '组织架构同步', Page: OrgPage },
  { id: 'events', label: '回调事件', Page: EventsPage },
  { id: 'webhooks', label: 'Webhook', Page: WebhooksPage },
];
/** Only where GET /api/admin/provider/corps answers (the home corp of a deployment with suites). */
const PROVIDER_TAB = { id: 'provider', label: '服务商', Page: ProviderPage };

/**
 * What an optional endpoint answers, or null where it does not exist (404) or fails: the console
 * then leaves out what it would show. undefined until it has answered.
 */
function useOptional(path) {
  const [answer, setAnswer] = useState(undefined);
  useEffect(() => {
    api('GET', path).then(setAnswer, () => setAnswer(null));
  }, [path]);
  return answer;
}

function App({ userid }) {
  const [hash, setHash] = useState(location.hash);
  const [name, setName] = useState('');
  const corps = useOptional('/api/admin/corps');
  const provider = useOptional('/api/admin/provider/corps');
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    api('GET', '/api/me').then(
      (me) => setName(me.user.name ?? ''),
      () => {},
    );
  }, []);
  const tabs = provider ? [...TABS, PROVIDER_TAB] : TABS;
  // #provider waits for the answer that says whether the tab exists.
  const waiting = hash === `#${PROVIDER_TAB.id}` && provider === undefined;
  const tab = tabs.find((item) => `#${item.id}` === hash) ?? tabs[0];
  useEffect(() => {
    document.title = `${tab.label} · wecom-gate 管理后台`;
  }, [tab]);

  const { Page } = tab;
  return html`
    <header class="topbar">
      <span class="brand">wecom-gate 管理后台</span>
      <${CorpSwitcher} listing=${corps} />
      <span class="who" data-user=${userid}>${name ? `${name}（${userid}）` : userid}</span>
      <button class="secondary" data-action="logout" onClick=${logout}>退出登录</button>
    </header>
    <nav class="tabs">
      ${tabs.map(
        (item) =>
          html`<a href="#${item.id}" data-tab=${item.id} aria-current=${item.id === tab.id ? 'page' : undefined}>${item.label}</a>`,
      )}
    </nav>
    <div class="content">${waiting ? html`<p class="loading">正在加载…</p>` : html`<${Page} key=${tab.id} />`}</div>
  `;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} userid=${root.dataset.userid} />`, root);
