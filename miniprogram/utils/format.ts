import type { ExternalContact } from '../typings/api';

/** "2024-03-05 09:07" in the device's time zone; "" for an unparsable instant. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function contactTypeText(type: ExternalContact['type']): string {
  return type === 'wecom' ? '企业微信客户' : '微信客户';
}

/** A page query value, percent-decoded once (pages are opened with encoded query values). */
export function queryValue(raw: string | undefined): string {
  if (raw === undefined) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
