import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AppState } from '../middleware/state';
import type { ConsoleAssets } from '../web/assets';
import { CONSOLE_PATH, type ConsolePages, type PageResult, SIGNED_OUT_PATH } from '../web/console';

function answer(ctx: Context, result: PageResult): void {
  ctx.set('Cache-Control', 'no-store');
  if ('redirect' in result) {
    ctx.redirect(result.redirect);
    return;
  }
  ctx.status = result.status;
  ctx.type = 'html';
  ctx.body = result.html;
}

/**
 * The admin console's pages (`/admin/`, `/admin/signed-out`) and its static files
 * (`/admin/assets/*`, `/admin/vendor/*`, revalidated by ETag). Mounted on a router that finds the
 * browser's web session and sets the console's own security headers.
 */
export function consoleRoutes(
  router: Router<AppState>,
  deps: { pages: ConsolePages; assets: ConsoleAssets },
): void {
  router.get(CONSOLE_PATH, (ctx) => answer(ctx, deps.pages.entry(ctx.state.session)));
  router.get(SIGNED_OUT_PATH, (ctx) => answer(ctx, deps.pages.signedOut()));
  for (const [prefix, files] of [
    ['/admin/assets/', deps.assets.own],
    ['/admin/vendor/', deps.assets.vendor],
  ] as const) {
    router.get(`${prefix}:file`, (ctx) => {
      const asset = files.get(ctx.params.file ?? '');
      if (!asset) return;
      ctx.set('Cache-Control', 'no-cache');
      ctx.etag = asset.etag;
      ctx.type = asset.type;
      ctx.status = 200;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.body = asset.body;
    });
  }
}
