import type Router from '@koa/router';
import type { AppState } from '../middleware/state';

/**
 * `GET /WW_verify_*.txt` and `GET /MP_verify_*.txt`: the domain-ownership files of VERIFY_FILES
 * (names checked against those patterns at start-up). One route per configured file; every
 * other name stays an unknown route.
 */
export function verifyFileRoutes(
  router: Router<AppState>,
  deps: { files: Readonly<Record<string, string>> },
): void {
  for (const [name, content] of Object.entries(deps.files)) {
    router.get(`/${name}`, (ctx, next) => {
      // The router matches paths case-insensitively; file names are exact.
      if (ctx.path !== `/${name}`) return next();
      ctx.type = 'text/plain';
      ctx.body = content;
    });
  }
}
