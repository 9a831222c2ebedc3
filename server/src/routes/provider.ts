import type Router from '@koa/router';
import { z } from 'zod';
import type { LoginAttempts } from '../auth/login-attempts';
import { RequestError } from '../errors/request-error';
import { guard } from '../middleware/guard';
import type { AdminState, AppState } from '../middleware/state';
import type { Provider } from '../provider';
import { WecomApiError } from '../wecom/errors';
import { readCallbackBody } from './callbacks';

/**
 * The service provider's routes, served with the home corp: each suite's 指令回调
 * (`/wecom/suites/:suiteId/callback`, answered `success` as WeCom asks), the install link's
 * redirect (a corp's admin back from WeCom's install page: on to that corp's admin console), and
 * for admins the install link and the installed corps.
 */

const suiteParams = z.object({ suiteId: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });

const installedQuery = z.object({
  auth_code: z.string().min(1).max(512),
  state: z.string().max(128).optional(),
});

const installUrlBody = z.object({ suiteId: z.string().regex(/^[A-Za-z0-9]{1,64}$/) }).strict();

const providerStatusSchema = z.object({
  suites: z.array(
    z.object({
      suiteId: z.string(),
      kind: z.enum(['custom', 'third-party']),
      name: z.string().optional(),
      ticketReceivedAt: z.string().optional(),
    }),
  ),
  corps: z.array(
    z.object({
      corpId: z.string(),
      corpName: z.string().optional(),
      suiteId: z.string(),
      kind: z.enum(['custom', 'third-party']),
      agentId: z.string().optional(),
      installedAt: z.string(),
      path: z.string(),
    }),
  ),
});

/** The provider, once the deployment has made it (absent without suites). */
type ProviderOf = () => Provider | undefined;

/** What the home corp's app is given of the provider (deployment.ts). */
export interface ProviderAccess {
  current: ProviderOf;
  /** PUBLIC_BASE_URL: the install link comes back to it. */
  publicBaseUrl?: string;
}

function required(provider: ProviderOf, suiteId?: string): Provider {
  const made = provider();
  if (!made || (suiteId !== undefined && !made.suites.has(suiteId)))
    throw new RequestError('request.not_found');
  return made;
}

export function providerRoutes(
  router: Router<AppState>,
  deps: { provider: ProviderOf; basePath: string; attempts: LoginAttempts },
): void {
  router.get('/wecom/suites/:suiteId/callback', (ctx) => {
    const suiteId = ctx.params.suiteId!;
    ctx.type = 'text/plain';
    ctx.body = required(deps.provider, suiteId).instructions.verifyUrl(suiteId, ctx.query);
  });
  router.post('/wecom/suites/:suiteId/callback', async (ctx) => {
    const suiteId = ctx.params.suiteId!;
    await required(deps.provider, suiteId).instructions.deliver(suiteId, ctx.query, () =>
      readCallbackBody(ctx.req),
    );
    ctx.type = 'text/plain';
    ctx.body = 'success';
  });
  router.get(
    '/provider/suites/:suiteId/installed',
    guard(
      { params: suiteParams, query: installedQuery, status: 302 },
      async ({ params, query }, ctx) => {
        // Each auth code costs a WeCom call: refused ones count as failed logins of the IP.
        const provider = required(deps.provider, params.suiteId);
        const corp = await deps.attempts.run(
          ctx.ip,
          () => provider.installed(params.suiteId, query.auth_code),
          (error) => error instanceof WecomApiError,
        );
        ctx.redirect(`${deps.basePath}/corps/${corp.corpId}/admin/`);
      },
    ),
  );
}

export function providerAdminRoutes(
  router: Router<AdminState>,
  deps: { provider: ProviderOf; publicBaseUrl?: string; basePath: string },
): void {
  router.post(
    '/api/admin/provider/install-url',
    guard({ body: installUrlBody, response: z.object({ url: z.string() }) }, async ({ body }) => {
      const suite = required(deps.provider, body.suiteId).suites.get(body.suiteId)!;
      if (deps.publicBaseUrl === undefined)
        throw new RequestError('guard.invalid_input', {
          message: 'The install link comes back to PUBLIC_BASE_URL: set it.',
        });
      const back = `${deps.publicBaseUrl}/provider/suites/${body.suiteId}/installed`;
      return { url: await suite.installUrl(back, 'install') };
    }),
  );
  router.get(
    '/api/admin/provider/corps',
    guard({ response: providerStatusSchema }, async () => {
      const provider = required(deps.provider);
      const iso = (ms: number | undefined) =>
        ms === undefined ? undefined : new Date(ms).toISOString();
      const suites = await Promise.all(
        [...provider.suites.values()].map(async (suite) => ({
          suiteId: suite.entry.suiteId,
          kind: suite.entry.kind,
          name: suite.entry.name,
          ticketReceivedAt: iso(await suite.ticketReceivedAt()),
        })),
      );
      const corps = (await provider.registry.list()).map((corp) => ({
        corpId: corp.corpId,
        corpName: corp.corpName,
        suiteId: corp.suiteId,
        kind: corp.kind,
        agentId: corp.agentId,
        installedAt: new Date(corp.installedAt).toISOString(),
        path: `${deps.basePath}/corps/${corp.corpId}/`,
      }));
      return { suites, corps };
    }),
  );
}
