// The console's only way to the server: the same JSON API scripts use, with the web session
// cookie (same origin). A 401 means the session ended: sign in again and come back here.

// The server's base path ('' at the root of the origin, '/gate' under PUBLIC_BASE_URL's path
// prefix): this file is served at <base>/admin/assets/api.mjs. Every path below is under it.
const BASE = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

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

const TEXT = {
  'auth.forbidden': '没有权限：当前账号不是管理员。',
  'auth.session_expired': '登录已过期，请重新登录。',
  'auth.unauthenticated': '尚未登录。',
  'request.not_found': '此服务器没有这个接口（可能尚未升级）。',
  'request.rate_limited': '操作太频繁，请稍后再试。',
  'guard.invalid_input': '输入有误。',
  'wecom.rejected': '企业微信拒绝了调用。',
  'wecom.unavailable': '企业微信暂时无法访问，请稍后再试。',
  'store.unavailable': '存储（Redis）暂时无法访问。',
  'org.sync_running': '已有一次同步正在进行。',
  'feed.expired': '该位置之后的记录已超过保留期限，请从头查看。',
};

/** What an admin reads for an error: Chinese first, then the server's (English) message. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return `网络错误：${error?.message ?? error}`;
  const zh = TEXT[error.code] ?? '请求失败。';
  const fix = error.data?.fix?.zh ? ` ${error.data.fix.zh}` : '';
  return `${zh}${fix}（${error.code}：${error.message}）`;
}
