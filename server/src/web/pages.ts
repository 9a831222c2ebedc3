import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import type { HelmetOptions } from 'helmet';
import type { ErrorCode } from '../errors/codes';
import { API_SECURITY_HEADERS } from '../middleware/security-headers';
import { VENDOR_MODULES } from './assets';

/**
 * The console's HTML, rendered on the server: the shell the console's scripts fill in, and the
 * pages that need no script (refusal, signed out, errors of the web login). Simplified Chinese
 * first. Every value put into HTML is escaped.
 */

export const CONSOLE_PATH = '/admin/';
export const SIGNED_OUT_PATH = '/admin/signed-out';
export const LOGIN_PATH = '/auth/wecom/login';
export const loginUrl = (returnTo = CONSOLE_PATH) =>
  `${LOGIN_PATH}?${new URLSearchParams({ returnTo })}`;

const IMPORT_MAP = JSON.stringify({
  imports: Object.fromEntries(
    Object.entries(VENDOR_MODULES).map(([name, file]) => [name, `/admin/vendor/${file}`]),
  ),
});
const importMapHash = `'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`;

/**
 * The console's own headers: scripts and styles from this server only (the inline import map by
 * its hash), requests to this server only, no framing, no plugins, no base or form targets
 * elsewhere. The JSON API keeps `default-src 'none'`.
 */
export const CONSOLE_SECURITY_HEADERS: HelmetOptions = {
  ...API_SECURITY_HEADERS,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'", importMapHash],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

function document(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · wecom-gate</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/assets/console.css">
${head}</head>
<body>
${body}
</body>
</html>
`;
}

/** The console: an empty shell that `assets/app.mjs` renders into; it knows who is signed in. */
export function consoleShell(userid: string): string {
  return document(
    '管理后台',
    `<div id="app" data-userid="${escapeHtml(userid)}"><p class="loading">正在加载…</p></div>
<noscript><p class="notice">管理后台需要启用 JavaScript。</p></noscript>`,
    `<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/admin/assets/app.mjs"></script>
`,
  );
}

/** Someone signed in who is not in ADMIN_USERIDS. */
export function refusalPage(userid: string): string {
  return document(
    '无权访问',
    `<main class="card narrow" data-page="refusal">
<h1>无权访问管理后台</h1>
<p>你已用企业微信账号 <strong>${escapeHtml(userid)}</strong> 登录，但这个账号不是本系统的管理员。</p>
<p>管理员名单由服务器配置 <code>ADMIN_USERIDS</code> 决定。如需使用管理后台，请联系系统管理员把你的账号加入名单，或换一个管理员账号登录。</p>
<p class="en" lang="en">You are signed in as ${escapeHtml(userid)}, who is not in ADMIN_USERIDS.</p>
<p class="actions"><a class="button" href="${escapeHtml(loginUrl())}">换个账号登录</a>
<button type="button" class="secondary" data-logout>退出登录</button></p>
</main>`,
    '<script type="module" src="/admin/assets/logout.mjs"></script>\n',
  );
}

export function signedOutPage(): string {
  return document(
    '已退出登录',
    `<main class="card narrow" data-page="signed-out">
<h1>已退出登录</h1>
<p>你已退出 wecom-gate 管理后台。</p>
<p class="actions"><a class="button" href="${escapeHtml(loginUrl())}">重新登录</a></p>
</main>`,
  );
}

/** What a person reads for an error on a page of the web login or the console. */
const PAGE_TEXT: Partial<Record<ErrorCode, string>> = {
  'auth.invalid_state': '登录链接已失效、已被使用，或不是在这个浏览器中发起的。请重新登录。',
  'auth.not_member': '企业微信返回的账号不是本企业的成员，无法登录。',
  'auth.invalid_code': '企业微信没有确认这次登录（已取消、已过期或已被使用）。请重新登录。',
  'guard.invalid_input': '请求参数不正确：登录后只能跳转到本站的页面。',
  'request.rate_limited': '登录尝试过于频繁，请稍后再试。',
  'wecom.rejected': '企业微信拒绝了这次调用，请联系管理员检查应用配置（管理后台 → 诊断）。',
  'wecom.unavailable': '企业微信暂时无法访问，请稍后再试。',
  'store.unavailable': '服务暂时不可用，请稍后再试。',
  'request.not_found': '页面不存在。',
};

export function errorPage(
  error: { code: ErrorCode; message: string; status: number },
  requestId: string,
): string {
  const text = PAGE_TEXT[error.code] ?? '出错了，请稍后再试。';
  return document(
    '出错了',
    `<main class="card narrow" data-page="error" data-code="${escapeHtml(error.code)}">
<h1>${error.status >= 500 ? '服务暂时不可用' : '无法完成请求'}</h1>
<p>${escapeHtml(text)}</p>
<p class="en" lang="en">${escapeHtml(error.message)}</p>
<p class="muted">错误码 <code>${escapeHtml(error.code)}</code> · 请求编号 <code>${escapeHtml(requestId)}</code></p>
<p class="actions"><a class="button" href="${escapeHtml(loginUrl())}">重新登录</a></p>
</main>`,
  );
}
