import { createHash } from 'node:crypto';
import Router from '@koa/router';
import escapeHtml from 'escape-html';
import type { Context } from 'koa';
import type { CorpModel } from './corp';
import type { OauthCodeStore, OauthIdentity } from './web-auth';
import { outsiderOpenid } from './web-auth';

/**
 * WeCom's login pages as the simulator plays them:
 * - `GET /connect/oauth2/authorize` (OAuth2 inside the WeCom client; `#wechat_redirect` is a
 *   fragment and never reaches a server), and
 * - `GET /wwlogin/sso/login?login_type=CorpApp` (the QR login page of a browser).
 * Neither has a WeCom user to act for, so both let you pick one: a demo employee in the app's
 * visible range, someone outside the corp (an openid), or a refusal. The pick
 * (`GET /sandbox/web-login/approve`) redirects to `redirect_uri` with `code` and `state` (a
 * refusal: `state` only), as WeCom does. Parameters are checked as WeCom checks them; a wrong one
 * is an error page, not a redirect.
 */

export const AUTHORIZE_PATH = '/connect/oauth2/authorize';
export const QR_LOGIN_PATH = '/wwlogin/sso/login';
export const APPROVE_PATH = '/sandbox/web-login/approve';

const STATE = /^[a-zA-Z0-9]{0,128}$/;

interface LoginRequest {
  flow: 'oauth' | 'qr';
  agentid: string;
  redirectUri: string;
  state: string;
}

const STYLE = `body{font:15px/1.5 system-ui,"WenQuanYi Micro Hei",sans-serif;background:#f3f5f8;margin:0;color:#1f2329}
main{max-width:420px;margin:40px auto;background:#fff;border-radius:10px;padding:28px;box-shadow:0 2px 10px #0001}
h1{font-size:19px;margin:0 0 4px}.muted{color:#6b7280;font-size:13px}.qr{display:block;margin:18px auto;width:160px;height:160px}
ul{list-style:none;padding:0;margin:12px 0}li{margin:6px 0}
a.pick{display:block;padding:9px 12px;border:1px solid #d0d7e2;border-radius:6px;color:#1f2329;text-decoration:none}
a.pick:hover{border-color:#2f6fed;background:#f0f5ff}a.other{color:#b42318}.sim{background:#fff7e6;border-radius:6px;padding:6px 10px;font-size:13px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** A QR-looking picture, made from the state, so that each login shows its own. */
function fakeQr(seed: string): string {
  const bits = createHash('sha256').update(seed).digest();
  const cells: string[] = [];
  for (let y = 0; y < 21; y += 1) {
    for (let x = 0; x < 21; x += 1) {
      const finder = (x < 7 && y < 7) || (x > 13 && y < 7) || (x < 7 && y > 13);
      const on = finder
        ? Math.max(Math.abs((x % 14) - 3), Math.abs((y % 14) - 3)) !== 2
        : ((bits[(x * 21 + y) % 32]! >> ((x + y) % 8)) & 1) === 1;
      if (on) cells.push(`M${x} ${y}h1v1h-1z`);
    }
  }
  return `<svg class="qr" viewBox="-1 -1 23 23" role="img" aria-label="二维码（模拟）"><rect x="-1" y="-1" width="23" height="23" fill="#fff"/><path d="${cells.join('')}" fill="#111"/></svg>`;
}

export function loginPagesRouter(deps: { corp: CorpModel; codes: OauthCodeStore }): Router {
  const { corp, codes } = deps;
  const { seed } = corp;
  const router = new Router();

  const appOf = (agentid: string) =>
    [...corp.appsBySecret.values()].find(
      (app) => app.corpId === seed.corpId && app.agentid === agentid,
    );

  const fail = (ctx: Context, message: string) => {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('参数错误', `<h1>参数错误</h1><p data-error>${escapeHtml(message)}</p>`);
  };

  const reader = (ctx: Context) => (name: string) => {
    const value = ctx.query[name];
    return typeof value === 'string' ? value : '';
  };

  /** The app and where to go back to, as WeCom checks them; else a message for the error page. */
  function loginTarget(param: (name: string) => string, flow: LoginRequest['flow']) {
    const agentid = param('agentid');
    if (!appOf(agentid)) return 'agentid 不是本企业的应用（40056 invalid agentid）';
    const redirectUri = param('redirect_uri');
    try {
      if (!/^https?:$/.test(new URL(redirectUri).protocol)) throw new Error('scheme');
    } catch {
      return 'redirect_uri 不是有效的网址';
    }
    const state = param('state');
    if (!STATE.test(state)) return 'state 只能包含字母和数字，最长 128 字节';
    return { flow, agentid, redirectUri, state };
  }

  /** The login page's parameters as WeCom checks them, or a message for the error page. */
  function parse(
    param: (name: string) => string,
    flow: LoginRequest['flow'],
  ): LoginRequest | string {
    if (param('appid') !== seed.corpId) return 'appid 不是本企业的 CorpID（40013 invalid corpid）';
    if (flow === 'qr' && param('login_type') !== 'CorpApp')
      return 'login_type 必须为 CorpApp（自建应用）';
    if (flow === 'oauth' && param('response_type') !== 'code') return 'response_type 必须为 code';
    if (flow === 'oauth' && !['snsapi_base', 'snsapi_privateinfo'].includes(param('scope')))
      return 'scope 必须为 snsapi_base 或 snsapi_privateinfo';
    return loginTarget(param, flow);
  }

  function approveLink(request: LoginRequest, as: string): string {
    // appid: which corp's pages answer the pick when the simulator plays several corps.
    return `${APPROVE_PATH}?${new URLSearchParams({
      appid: seed.corpId,
      flow: request.flow,
      agentid: request.agentid,
      redirect_uri: request.redirectUri,
      state: request.state,
      as,
    })}`;
  }

  function chooser(ctx: Context, flow: LoginRequest['flow']): void {
    const request = parse(reader(ctx), flow);
    if (typeof request === 'string') {
      fail(ctx, request);
      return;
    }
    const app = appOf(request.agentid)!;
    const departments = new Map(seed.departments.map((d) => [d.id, d.name]));
    const people = seed.employees
      .filter((e) => e.status === 1 && app.visibleUsers.has(e.userid))
      .map((e) => {
        const department = departments.get(e.department[0] ?? -1) ?? '';
        return `<li><a class="pick" data-userid="${escapeHtml(e.userid)}" href="${escapeHtml(approveLink(request, `user:${e.userid}`))}">${escapeHtml(e.name)} <span class="muted">${escapeHtml(e.userid)} · ${escapeHtml(department)}</span></a></li>`;
      })
      .join('');
    const heading =
      flow === 'qr'
        ? `<h1>企业微信扫码登录</h1><p class="muted">${escapeHtml(seed.corpName)}</p>${fakeQr(request.state)}<p class="sim">模拟器：没有手机可扫，请选择扫码的成员。</p>`
        : `<h1>企业微信网页授权</h1><p class="muted">${escapeHtml(seed.corpName)}</p><p class="sim">模拟器：请选择在企业微信中打开此页面的成员。</p>`;
    ctx.type = 'html';
    ctx.body = page(
      flow === 'qr' ? '企业微信登录（模拟）' : '企业微信授权（模拟）',
      `${heading}<ul>${people}</ul>
<ul><li><a class="pick other" data-choice="outsider" href="${escapeHtml(approveLink(request, 'outsider'))}">以非本企业成员身份登录（只得到 openid）</a></li>
<li><a class="pick other" data-choice="cancel" href="${escapeHtml(approveLink(request, 'cancel'))}">拒绝授权</a></li></ul>`,
    );
  }

  router.get(AUTHORIZE_PATH, (ctx) => chooser(ctx, 'oauth'));
  router.get(QR_LOGIN_PATH, (ctx) => chooser(ctx, 'qr'));
  router.get(APPROVE_PATH, (ctx) => {
    const param = reader(ctx);
    const request = loginTarget(param, param('flow') === 'qr' ? 'qr' : 'oauth');
    if (typeof request === 'string') return fail(ctx, request);
    const as = param('as');
    const back = new URL(request.redirectUri);
    if (as !== 'cancel') {
      let identity: OauthIdentity;
      if (as === 'outsider') identity = { openid: outsiderOpenid(request.state || 'outsider') };
      else {
        const userid = as.startsWith('user:') ? as.slice(5) : '';
        if (!appOf(request.agentid)!.visibleUsers.has(userid))
          return fail(ctx, '该成员不在应用的可见范围内');
        identity = { userid };
      }
      back.searchParams.set('code', codes.issue(identity, request.agentid));
    }
    back.searchParams.set('state', request.state);
    ctx.redirect(back.toString());
  });
  return router;
}
