import { agentRoutes } from './agent';
import { directoryRoutes } from './directory';
import { externalContactRoutes } from './external-contact';
import { gettokenRoute } from './gettoken';
import { groupChatRoutes } from './group-chat';
import { jscode2sessionRoute } from './miniprogram';
import type { ApiDeps, ApiRoute } from './types';
import { webAuthRoutes } from './web-auth';

export type { Answer, ApiDeps, ApiRoute } from './types';
export { WecomError } from './types';

/** Every simulated API, keyed by its path below /cgi-bin/. */
export function createApiRoutes(deps: ApiDeps): ReadonlyMap<string, ApiRoute> {
  const routes = [
    gettokenRoute(deps),
    jscode2sessionRoute(deps),
    ...agentRoutes(deps),
    ...directoryRoutes(deps),
    ...externalContactRoutes(deps),
    ...groupChatRoutes(deps),
    ...webAuthRoutes(deps),
  ];
  return new Map(routes.map((route) => [route.api, route]));
}
