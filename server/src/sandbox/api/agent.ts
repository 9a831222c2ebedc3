import type { ApiDeps, ApiRoute } from './types';
import { WecomError } from './types';

/** WeCom's callback source ranges as getcallbackip lists them (documentation addresses here). */
const CALLBACK_IPS = ['192.0.2.0/25', '198.51.100.0/26'];

/**
 * `agent/get`: an app's own details, for its own access token only (another app's AgentId answers
 * 301002, one that is no app's 40056). `getcallbackip`: the ranges WeCom's callbacks come from.
 */
export function agentRoutes(deps: ApiDeps): ApiRoute[] {
  const { seed } = deps.corp;
  const apps = [seed.miniprogramApp, seed.otherApp];
  return [
    {
      api: 'agent/get',
      method: 'GET',
      auth: true,
      handle({ query, app }) {
        const agentid = query.agentid ?? '';
        if (!/^\d{1,10}$/.test(agentid) || !apps.some((a) => a.agentid === agentid)) {
          throw new WecomError(40056);
        }
        if (app.agentid !== agentid) throw new WecomError(301002);
        const demo = apps.find((a) => a.agentid === agentid)!;
        return {
          agentid: Number(agentid),
          name: demo.name,
          square_logo_url: '',
          description: '',
          allow_userinfos: { user: demo.visibleRange.users.map((userid) => ({ userid })) },
          allow_partys: { partyid: demo.visibleRange.departments },
          allow_tags: { tagid: [] },
          close: 0,
          redirect_domain: '',
          report_location_flag: 0,
          isreportenter: 0,
          home_url: '',
          customized_publish_status: 1,
        };
      },
    },
    {
      api: 'getcallbackip',
      method: 'GET',
      auth: true,
      empty: { ip_list: [] },
      handle: () => ({ ip_list: CALLBACK_IPS }),
    },
  ];
}
