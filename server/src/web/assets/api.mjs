// The admin console's only way to the server: the same JSON API scripts use, with the web session
// cookie (same origin). A 401 means the session ended: sign in again and come back here.

import { ERROR_TEXT } from './error-texts.mjs';

// The server's base path ('' at the root of the origin, '/gate' under PUBLIC_BASE_URL's path
// prefix): this file is served at <base>/admin/assets/api.mjs. Every path below is under it.
export const BASE = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? 'internal.unknown';
    this.data = body?.data;
    this.requestId = body?.requestId;
  }
}

export function signIn() {
  const returnTo = `${location.pathname}${location.hash}`;
  location.assign(`${BASE}/admin/login?returnTo=${encodeURIComponent(returnTo)}`);
}

export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.status === 401) signIn();
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export async function logout() {
  await fetch(`${BASE}/auth/logout`, { method: 'POST', credentials: 'same-origin' });
  location.assign(`${BASE}/admin/signed-out`);
}

/**
 * What an admin reads for an error: Chinese first (the server's error registry, served as
 * error-texts.mjs), then the server's (English) message.
 */
export function errorText(error) {
  if (!(error instanceof ApiError)) return `网络错误：${error?.message ?? error}`;
  const known = Object.hasOwn(ERROR_TEXT, error.code);
  const zh = ERROR_TEXT[known ? error.code : 'internal.unknown'];
  const fix = error.data?.fix?.zh ? ` ${error.data.fix.zh}` : '';
  return `${zh}${fix}（${error.code}：${error.message}）`;
}
