// Small pieces the admin console's pages share.
import { html } from 'htm/preact';

const TIME = new Intl.DateTimeFormat('zh-CN', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : TIME.format(date);
}

/** A feed record's time, and its `seq` below in small grey type (what `after`/`before` take). */
export function TimeAndSeq({ record }) {
  return html`<div>${formatTime(record.at)}</div><code class="raw" title="seq">${record.seq}</code>`;
}

export function ErrorNote({ text }) {
  return text ? html`<p class="error" role="alert">${text}</p>` : null;
}

/**
 * The pager of a feed read newest first (`useFeed`): 第一页 and 上一页 go back towards the newest
 * records, 下一页 on to older ones and only while there are some.
 */
export function Pager({ feed }) {
  const { busy, page } = feed;
  return html`<div class="pager">
    <button class="secondary" data-pager="first" disabled=${busy || page === 0} onClick=${feed.toFirst}>第一页</button>
    <button class="secondary" data-pager="previous" disabled=${busy || page === 0} onClick=${feed.toPrevious}>上一页</button>
    <span class="muted" data-pager="page">第 ${page + 1} 页</span>
    <button class="secondary" data-pager="next" disabled=${busy || !feed.hasNext} onClick=${feed.toNext}>下一页</button>
  </div>
  ${
    !busy &&
    feed.items.length === 0 &&
    feed.hasNext &&
    html`<p class="muted" data-empty="partial">这一段记录里没有符合条件的，点「下一页」继续往前找。</p>`
  }`;
}

/** A label in Chinese with the raw value beside it in small grey type (what logs and the API say). */
export function Labelled({ text, raw }) {
  if (!text) return html`<code>${raw}</code>`;
  return html`${text} <code class="raw">${raw}</code>`;
}
