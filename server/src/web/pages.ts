import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import type { HelmetOptions } from 'helmet';
import { type ErrorCode, errorTexts } from '../errors/codes';
import { API_SECURITY_HEADERS } from '../middleware/security-headers';
import { TICKET_LIFETIME_MS } from '../provider/suite';
import { VENDOR_MODULES } from './assets';

/**
 * The admin console's HTML, rendered on the server: the shell the admin console's scripts fill in, and the
 * pages that need no script (sign-in, refusal, signed out, errors of the web login). Simplified
 * Chinese first. Every value put into HTML is escaped. Every URL carries the base path
 * (PUBLIC_BASE_URL's path prefix, '' at the root); the paths below are relative to it.
 */

export const CONSOLE_PATH = '/admin/';
export const SIGNED_OUT_PATH = '/admin/signed-out';
/** The admin console's sign-in page: the WeCom login, and the ADMIN_TOKEN form when it is set. */
export const SIGN_IN_PATH = '/admin/login';
export const WEB_LOGIN_PATH = '/auth/wecom/login';
export const ADMIN_TOKEN_PATH = '/auth/admin-token';

export interface PageRenderer {
  /** `${base}${path}`. */
  url(path: string): string;
  /** The admin console's sign-in page, back to `returnTo` (default: the admin console) afterwards. */
  signInUrl(returnTo?: string): string;
  /** The WeCom login, back to `returnTo` (default: the admin console) afterwards. */
  webLoginUrl(returnTo?: string): string;
  /** The admin console pages' own headers (the import map's hash depends on the base path). */
  securityHeaders: HelmetOptions;
  /**
   * The admin console: an empty shell that `assets/app.mjs` renders into, naming who is signed in
   * and how long a suite_ticket lives (服务商 warns past it; the console keeps no copy).
   */
  consoleShell(who: string): string;
  /** Someone signed in who is not in ADMIN_USERIDS. */
  refusalPage(userid: string): string;
  signedOutPage(): string;
  /** `returnTo` must already be a local path under the base. */
  signInPage(returnTo: string): string;
  /** What a browser gets for an error on a page (the web login, the admin console). */
  errorPage(
    error: { code: ErrorCode; message: string; status: number; data?: unknown },
    requestId: string,
  ): string;
}

/** What a person reads for an error on a page of the web login or the admin console. */
const PAGE_TEXT = errorTexts('page');

export function createPageRenderer(options: {
  basePath: string;
  /** ADMIN_TOKEN is set: the sign-in page offers it. */
  adminTokenSignIn: boolean;
}): PageRenderer {
  const { basePath: base, adminTokenSignIn } = options;
  const url = (path: string) => `${base}${path}`;
  const withReturnTo = (path: string, returnTo = url(CONSOLE_PATH)) =>
    `${url(path)}?${new URLSearchParams({ returnTo })}`;
  const signInUrl = (returnTo?: string) => withReturnTo(SIGN_IN_PATH, returnTo);
  const webLoginUrl = (returnTo?: string) => withReturnTo(WEB_LOGIN_PATH, returnTo);

  const importMap = JSON.stringify({
    imports: Object.fromEntries(
      Object.entries(VENDOR_MODULES).map(([name, file]) => [name, url(`/admin/vendor/${file}`)]),
    ),
  });
  const importMapHash = `'sha256-${createHash('sha256').update(importMap).digest('base64')}'`;

  function document(title: string, body: string, head = ''): string {
    return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · wecom-gate</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(url('/admin/assets/console.css'))}">
${head}</head>
<body>
${body}
</body>
</html>
`;
  }

  const script = (name: string) =>
    `<script type="module" src="${escapeHtml(url(`/admin/assets/${name}`))}"></script>\n`;
  const signInButton = (label: string) =>
    `<a class="button" data-action="sign-in" href="${escapeHtml(signInUrl())}">${label}</a>`;

  /** The help an admin needs when WeCom refuses the login: the errcode and the ways around it. */
  function rejectedHelp(data: unknown): string {
    const { errcode, hint } = (data ?? {}) as { errcode?: unknown; hint?: unknown };
    const code = escapeHtml(String(errcode ?? '?'));
    const trace = typeof hint === 'string' ? `，trace <code>${escapeHtml(hint)}</code>` : '';
    const zh = adminTokenSignIn
      ? '管理员：请用 ADMIN_TOKEN 登录管理后台，在「诊断」中查看原因与修复方法；或在服务器上运行 <code>npm run doctor</code>。'
      : '管理员：请在服务器上运行 <code>npm run doctor</code> 查看原因与修复方法。要在企业微信登录失败时也能打开管理后台，请设置 <code>ADMIN_TOKEN</code>（至少 16 字节）并重启服务，再在登录页用它登录。';
    const en = adminTokenSignIn
      ? 'Admins: sign in to the console with ADMIN_TOKEN and open 诊断 (the doctor), or run <code>npm run doctor</code> on the server, for the cause and the fix.'
      : 'Admins: run <code>npm run doctor</code> on the server for the cause and the fix. To open the console while the WeCom login fails, set <code>ADMIN_TOKEN</code> (at least 16 bytes), restart, and sign in with it on the sign-in page.';
    return `<div class="admin-help" data-help="wecom.rejected">
<p>企业微信返回 errcode <code data-errcode>${code}</code>${trace}。</p>
<p>${zh}</p>
<p class="en" lang="en">WeCom answered errcode ${code}. ${en}</p>
</div>
`;
  }

  return {
    url,
    signInUrl,
    webLoginUrl,
    securityHeaders: {
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
      // With `no-referrer` a browser sends `Origin: null` with a form's POST, which the sign-in
      // form's same-origin check would refuse; nothing leaves the origin either way.
      referrerPolicy: { policy: 'same-origin' },
    },

    consoleShell: (who) =>
      document(
        '管理后台',
        `<div id="app" data-userid="${escapeHtml(who)}" data-ticket-lifetime-ms="${TICKET_LIFETIME_MS}"><p class="loading">正在加载…</p></div>
<noscript><p class="notice">管理后台需要启用 JavaScript。</p></noscript>`,
        `<script type="importmap">${importMap}</script>\n${script('app.mjs')}`,
      ),

    refusalPage: (userid) =>
      document(
        '无权访问',
        `<main class="card narrow" data-page="refusal">
<h1>无权访问管理后台</h1>
<p>你已用企业微信账号 <strong>${escapeHtml(userid)}</strong> 登录，但这个账号不是本系统的管理员。</p>
<p>管理员名单由服务器配置 <code>ADMIN_USERIDS</code> 决定。如需使用管理后台，请联系系统管理员把你的账号加入名单，或换一个管理员账号登录。</p>
<p class="en" lang="en">You are signed in as ${escapeHtml(userid)}, who is not in ADMIN_USERIDS.</p>
<p class="actions">${signInButton('换个账号登录')}
<button type="button" class="secondary" data-logout>退出登录</button></p>
</main>`,
        script('logout.mjs'),
      ),

    signedOutPage: () =>
      document(
        '已退出登录',
        `<main class="card narrow" data-page="signed-out">
<h1>已退出登录</h1>
<p>你已退出 wecom-gate 管理后台。</p>
<p class="actions">${signInButton('重新登录')}</p>
</main>`,
      ),

    signInPage: (returnTo) =>
      document(
        '登录',
        `<main class="card narrow" data-page="sign-in">
<h1>登录 wecom-gate 管理后台</h1>
<p class="actions"><a class="button" data-action="wecom-login" href="${escapeHtml(webLoginUrl(returnTo))}">使用企业微信登录</a></p>
${
  adminTokenSignIn
    ? `<form class="sign-in" method="post" action="${escapeHtml(url(ADMIN_TOKEN_PATH))}" data-form="admin-token">
<h2>使用 ADMIN_TOKEN 登录</h2>
<p class="muted">企业微信的配置有误、无法扫码登录时，管理员可用服务器配置中的 <code>ADMIN_TOKEN</code> 登录，查看「诊断」。</p>
<p class="en" lang="en">When the WeCom login fails, admins sign in with the server's ADMIN_TOKEN to open the doctor.</p>
<input type="hidden" name="returnTo" value="${escapeHtml(returnTo)}">
<label for="admin-token">ADMIN_TOKEN</label>
<input id="admin-token" name="token" type="password" autocomplete="current-password" required maxlength="1024">
<p class="actions"><button type="submit" data-action="admin-token">登录</button></p>
</form>
`
    : ''
}</main>`,
      ),

    errorPage(error, requestId) {
      const text = PAGE_TEXT[error.code];
      const rejected = error.code === 'wecom.rejected';
      const title = rejected
        ? '企业微信拒绝了登录'
        : error.status >= 500
          ? '服务暂时不可用'
          : '无法完成请求';
      return document(
        '出错了',
        `<main class="card narrow" data-page="error" data-code="${escapeHtml(error.code)}">
<h1>${title}</h1>
<p>${escapeHtml(text)}</p>
<p class="en" lang="en">${escapeHtml(error.message)}</p>
${rejected ? rejectedHelp(error.data) : ''}<p class="muted">错误码 <code>${escapeHtml(error.code)}</code> · 请求编号 <code>${escapeHtml(requestId)}</code></p>
<p class="actions">${signInButton(rejected && adminTokenSignIn ? '使用 ADMIN_TOKEN 登录' : '重新登录')}</p>
</main>`,
      );
    },
  };
}
