import Router from '@koa/router';
import escapeHtml from 'escape-html';
import type { Context } from 'koa';
import type { CorpWorld } from './corp-world';
import type { Provider } from './provider';

/**
 * WeCom's install page of a provider's suite (`open.work.weixin.qq.com/3rdapp/install`), at the
 * simulator's origin: it names the suite and lists the corps the simulator plays, each with an
 * 授权 link. Following one (`/3rdapp/install/approve`) uses the pre_auth_code, authorises the
 * suite in that corp (an auth_code, create_auth pushed to the 指令回调) and redirects to
 * `redirect_uri?auth_code=…&expires_in=1200&state=…`. A wrong parameter is an error page.
 */

export const INSTALL_PATH = '/3rdapp/install';
const APPROVE_PATH = '/3rdapp/install/approve';
const AUTH_CODE_TTL_SECONDS = 1200;

const STYLE = `body{font:15px/1.5 system-ui,"WenQuanYi Micro Hei",sans-serif;background:#f3f5f8;margin:0;color:#1f2329}
main{max-width:460px;margin:40px auto;background:#fff;border-radius:10px;padding:28px;box-shadow:0 2px 10px #0001}
h1{font-size:19px;margin:0 0 4px}.muted{color:#6b7280;font-size:13px}ul{list-style:none;padding:0;margin:12px 0}li{margin:6px 0}
a.pick{display:block;padding:9px 12px;border:1px solid #d0d7e2;border-radius:6px;color:#1f2329;text-decoration:none}
a.pick:hover{border-color:#2f6fed;background:#f0f5ff}.sim{background:#fff7e6;border-radius:6px;padding:6px 10px;font-size:13px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

interface InstallRequest {
  suiteId: string;
  preAuthCode: string;
  redirectUri: string;
  state: string;
}

export function installPagesRouter(deps: {
  provider: Provider;
  corps: ReadonlyMap<string, CorpWorld>;
}): Router {
  const { provider } = deps;
  const router = new Router();

  const fail = (ctx: Context, message: string) => {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('授权失败', `<h1>授权失败</h1><p data-error>${escapeHtml(message)}</p>`);
  };

  /** The page's parameters as WeCom checks them, or a message for the error page. */
  function parse(ctx: Context, use: boolean): InstallRequest | string {
    const param = (name: string) => {
      const value = ctx.query[name];
      return typeof value === 'string' ? value : '';
    };
    const suiteId = param('suite_id');
    if (!provider.suite(suiteId)) return 'suite_id 无效（40083 invalid suite_id）';
    const redirectUri = param('redirect_uri');
    try {
      if (!/^https?:$/.test(new URL(redirectUri).protocol)) throw new Error('scheme');
    } catch {
      return 'redirect_uri 不是有效的网址';
    }
    const preAuthCode = param('pre_auth_code');
    if (!provider.preAuthCodeValid(suiteId, preAuthCode, use))
      return '预授权码无效、已使用或已过期（40077 invalid pre_auth_code）';
    return { suiteId, preAuthCode, redirectUri, state: param('state') };
  }

  router.get(INSTALL_PATH, (ctx) => {
    const request = parse(ctx, false);
    if (typeof request === 'string') return fail(ctx, request);
    const suite = provider.suite(request.suiteId)!;
    const corps = [...deps.corps.values()]
      .map((world) => {
        const link = `${APPROVE_PATH}?${new URLSearchParams({
          suite_id: request.suiteId,
          pre_auth_code: request.preAuthCode,
          redirect_uri: request.redirectUri,
          state: request.state,
          corpid: world.corpId,
        })}`;
        return `<li><a class="pick" data-corpid="${escapeHtml(world.corpId)}" href="${escapeHtml(link)}">授权 ${escapeHtml(world.corp.seed.corpName)} <span class="muted">${escapeHtml(world.corpId)}</span></a></li>`;
      })
      .join('');
    ctx.type = 'html';
    ctx.body = page(
      '应用授权（模拟）',
      `<h1>授权应用「${escapeHtml(suite.name)}」</h1><p class="muted">${suite.kind === 'custom' ? '代开发应用' : '第三方应用'}</p><p class="sim">模拟器：请选择授权安装此应用的企业（由其管理员确认）。</p><ul>${corps}</ul>`,
    );
  });

  router.get(APPROVE_PATH, (ctx) => {
    const corpId = typeof ctx.query.corpid === 'string' ? ctx.query.corpid : '';
    if (!deps.corps.has(corpId)) return fail(ctx, 'corpid 不是模拟器中的企业');
    const request = parse(ctx, true);
    if (typeof request === 'string') return fail(ctx, request);
    // WeCom pushes create_auth on its own time; the redirect does not wait for the provider.
    const { code, pushed } = provider.authorize(request.suiteId, corpId, request.state);
    pushed.catch(() => undefined);
    const back = new URL(request.redirectUri);
    back.searchParams.set('auth_code', code);
    back.searchParams.set('expires_in', String(AUTH_CODE_TTL_SECONDS));
    back.searchParams.set('state', request.state);
    ctx.redirect(back.toString());
  });
  return router;
}
