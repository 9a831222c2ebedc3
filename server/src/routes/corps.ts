import type Router from '@koa/router';
import { z } from 'zod';
import { isTokenAdmin } from '../auth/admin-token';
import { guard } from '../middleware/guard';
import type { AdminState } from '../middleware/state';

/**
 * `GET /api/admin/corps`: the corps of the deployment an admin may switch between in the admin
 * console. The ADMIN_TOKEN admin, who runs the deployment, sees every corp served;
 * a corp's own admin sees that corp only — one corp's admins never learn which other corps the
 * deployment serves.
 */

export interface CorpListing {
  corpId: string;
  name?: string;
  /** Where the corp's admin console is, below PUBLIC_BASE_URL's origin. */
  consolePath: string;
  kind: 'self-built' | 'custom' | 'third-party';
}

const corpsAnswer = z.object({
  current: z.string(),
  corps: z.array(
    z.object({
      corpId: z.string(),
      name: z.string().optional(),
      consolePath: z.string(),
      kind: z.enum(['self-built', 'custom', 'third-party']),
    }),
  ),
});

/** The ADMIN_TOKEN admin: with the token as bearer, or in a web session made with it. */
const runsTheDeployment = (state: AdminState) =>
  state.admin.via === 'token' || (state.session !== undefined && isTokenAdmin(state.session));

export function corpRoutes(
  router: Router<AdminState>,
  deps: { current: string; corps: () => CorpListing[] },
): void {
  router.get(
    '/api/admin/corps',
    guard<undefined, undefined, undefined, z.infer<typeof corpsAnswer>, AdminState>(
      { response: corpsAnswer },
      (_input, ctx) => {
        const all = deps.corps();
        return {
          current: deps.current,
          corps: runsTheDeployment(ctx.state)
            ? all
            : all.filter((corp) => corp.corpId === deps.current),
        };
      },
    ),
  );
}
