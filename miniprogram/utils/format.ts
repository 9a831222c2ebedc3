import type { ExternalContact } from '../typings/api';

/** "2024-03-05 09:07" in the device's time zone; "" for a missing or unparsable instant. */
export function formatDateTime(iso: string | undefined): string {
  if (iso === undefined) return '';
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return '';
  // Shift by the device's offset and read UTC fields: the same as local fields, but the offset
  // is the one thing a test has to pin.
  const local = new Date(instant.getTime() - instant.getTimezoneOffset() * 60000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
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
