// Small pieces the console's pages share.
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

export function ErrorNote({ text }) {
  return text ? html`<p class="error" role="alert">${text}</p>` : null;
}

/**
 * Pages of a feed read with `after` cursors (`next` = the following `after`, null at the end):
 * the cursors of the pages seen so far make 上一页 possible.
 */
export function Pager({ page, hasNext, onPrevious, onNext, busy }) {
  return html`<div class="pager">
    <button class="secondary" data-pager="previous" disabled=${busy || page === 0} onClick=${onPrevious}>上一页</button>
    <span class="muted" data-pager="page">第 ${page + 1} 页</span>
    <button class="secondary" data-pager="next" disabled=${busy || !hasNext} onClick=${onNext}>下一页</button>
  </div>`;
}
