// The corp switcher in the header (GET /api/admin/corps): a deployment serving several corps has
// an admin console per corp, each under its own path; the ADMIN_TOKEN admin may go from one to
// another. Shown only when the answer lists more than one corp (a deployment of one corp answers
// 404, a corp's own admin sees their corp alone).
import { html } from 'htm/preact';

export const CORP_KIND = {
  'self-built': '自建应用',
  custom: '代开发应用',
  'third-party': '第三方应用',
};

/** A corp's name, its corp ID beside it when it has a name, and its kind. */
const optionText = (corp) =>
  `${corp.name ?? corp.corpId}${corp.name ? `（${corp.corpId}）` : ''} · ${CORP_KIND[corp.kind] ?? corp.kind}`;

export function CorpSwitcher({ listing }) {
  if (!listing || listing.corps.length < 2) return null;
  const current = listing.corps.find((corp) => corp.corpId === listing.current);
  const go = (event) => {
    const corp = listing.corps.find((item) => item.corpId === event.target.value);
    if (!corp || corp.corpId === listing.current) return;
    // consolePath is below the origin (PUBLIC_BASE_URL's path prefix included).
    location.assign(`${location.origin}${corp.consolePath}`);
  };
  return html`<div class="corp-switch" data-current-corp=${listing.current}>
    <label for="corp-switch">企业</label>
    <select id="corp-switch" data-action="switch-corp" value=${listing.current} onChange=${go} title=${current ? optionText(current) : listing.current}>
      ${listing.corps.map(
        (corp) =>
          html`<option key=${corp.corpId} value=${corp.corpId} data-kind=${corp.kind} selected=${corp.corpId === listing.current}>${optionText(corp)}</option>`,
      )}
    </select>
  </div>`;
}
