import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { parse } from '../middleware/guard';
import type { AppState } from '../middleware/state';
import type { ConsoleAssets } from '../web/assets';
import {
  CONSOLE_PATH,
  type ConsolePages,
  type PageResult,
  SIGN_IN_PATH,
  SIGNED_OUT_PATH,
} from '../web/console';
import { returnToSchema } from './web-login';

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
 * The admin console's pages (`/admin/`, `/admin` → `/admin/`, the sign-in `/admin/login`,
 * `/admin/signed-out`) and its static files (`/admin/assets/*`, `/admin/vendor/*`, revalidated by
 * ETag), all under the base path. Mounted on a router that finds the browser's web session and
 * sets the admin console's own security headers.
 */
export function consoleRoutes(
  router: Router<AppState>,
  deps: { pages: ConsolePages; assets: ConsoleAssets; basePath: string },
): void {
  const signInQuery = z.object({ returnTo: returnToSchema(deps.basePath).optional() });
  router.get(CONSOLE_PATH, (ctx) => answer(ctx, deps.pages.entry(ctx.state.session)));
  router.get(CONSOLE_PATH.slice(0, -1), (ctx) =>
    answer(ctx, deps.pages.withSlash(ctx.querystring)),
  );
  router.get(SIGN_IN_PATH, (ctx) =>
    answer(ctx, deps.pages.signIn(parse(signInQuery, ctx.query, 'query').returnTo)),
  );
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
