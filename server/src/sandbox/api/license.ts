import { z } from 'zod';
import type { Provider } from '../provider';
import { PROVIDER_CORP_ID, PROVIDER_SECRET } from '../suites';
import { page, parseBody } from './cursor';
import type { ApiRoute } from './types';
import { WecomError } from './types';

/**
 * The provider's token and its interface licences (接口许可): service/get_provider_token (the
 * provider's corp ID and ProviderSecret), then with the provider_access_token
 * license/get_app_license_info (whether WeCom checks licences for a suite in a corp, and its
 * trial) and license/list_actived_account (the members with an activated licence, paged).
 */

const providerTokenBody = z.object({
  corpid: z.string().max(128).optional(),
  provider_secret: z.string().max(256).optional(),
});
const appLicenceBody = z.object({
  corpid: z.string().max(128).optional(),
  suite_id: z.string().max(128).optional(),
  appid: z.number().int().optional(),
});
const accountsBody = z.object({
  corpid: z.string().max(128).optional(),
  limit: z.number().int().optional(),
  cursor: z.string().max(256).optional(),
});
const MAX_ACCOUNTS_PAGE = 1000;
const seconds = (ms: number) => Math.floor(ms / 1000);

export function licenseRoutes(provider: Provider): ApiRoute[] {
  return [
    {
      api: 'service/get_provider_token',
      method: 'POST',
      auth: false,
      empty: { provider_access_token: '', expires_in: 0 },
      handle({ body }) {
        const input = parseBody(providerTokenBody, body);
        if (!input.corpid) throw new WecomError(41002);
        if (!input.provider_secret) throw new WecomError(41004);
        // WeCom answers a wrong ProviderSecret (an app's secret, say) as an invalid credential.
        if (input.corpid !== PROVIDER_CORP_ID || input.provider_secret !== PROVIDER_SECRET)
          throw new WecomError(40001);
        const { token, expiresIn } = provider.providerTokens.issue('provider');
        return { provider_access_token: token, expires_in: expiresIn };
      },
    },
    {
      api: 'license/get_app_license_info',
      method: 'POST',
      auth: 'provider',
      handle({ body }) {
        const input = parseBody(appLicenceBody, body);
        if (!input.corpid) throw new WecomError(41002);
        if (!input.suite_id) throw new WecomError(41021);
        // Only for a corp that installed the suite.
        const auth = provider.installedIn(input.suite_id, input.corpid);
        if (!auth) throw new WecomError(40084);
        const { checked, trial, checkFrom } = auth.licence;
        return {
          license_status: checked ? 1 : 0,
          ...(checked &&
            trial && {
              trail_info: { start_time: seconds(trial.start), end_time: seconds(trial.end) },
            }),
          ...(checkFrom !== undefined && { license_check_time: seconds(checkFrom) }),
        };
      },
    },
    {
      api: 'license/list_actived_account',
      method: 'POST',
      auth: 'provider',
      handle({ body }) {
        const input = parseBody(accountsBody, body);
        if (!input.corpid) throw new WecomError(41002);
        const limit = Math.min(Math.max(input.limit ?? 500, 1), MAX_ACCOUNTS_PAGE);
        const { slice, nextCursor } = page(provider.accounts(input.corpid), input.cursor, limit);
        return {
          next_cursor: nextCursor,
          has_more: nextCursor === '' ? 0 : 1,
          account_list: slice.map((account) => ({
            userid: account.userid,
            type: account.type,
            expire_time: seconds(account.expireTime),
            active_time: seconds(account.activeTime),
          })),
        };
      },
    },
  ];
}
