import type { DoctorCheck } from '../admin/doctor';
import { apiPaths } from '../wecom/api-paths';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import type { ProviderApi } from '../wecom/provider-api';
import type { Provider } from './index';
import type { InstalledCorp } from './registry';
import { type Suite, TICKET_LIFETIME_MS } from './suite';

/**
 * The doctor's checks of the service provider: with the home corp, each suite's
 * latest suite_ticket (WeCom pushes one every 10 minutes; one older than 30 minutes makes no
 * token); with an installed corp, whether its permanent code still opens it (get_auth_info) and
 * whether its members can be served under WeCom's interface licences (接口许可).
 */

/** A ticket older than this is late: two pushes were missed. */
const TICKET_LATE_MS = 20 * 60_000;

export async function suiteTicketChecks(
  suites: Iterable<Suite>,
  publicBaseUrl: string | undefined,
  now: () => number = Date.now,
): Promise<DoctorCheck[]> {
  return Promise.all(
    [...suites].map(async (suite): Promise<DoctorCheck> => {
      const { suiteId } = suite.entry;
      const id = `suite-ticket:${suiteId}`;
      const url = `${publicBaseUrl ?? '<PUBLIC_BASE_URL>'}/wecom/suites/${suiteId}/callback`;
      const fix = {
        zh: `在服务商管理后台该应用（或代开发模板）的「回调配置」里，把「指令回调URL」设为 ${url}，Token 与 EncodingAESKey 与 WECOM_CORPS_FILE 中该 suite 的 callback 一致；保存时企业微信会校验该 URL，之后每 10 分钟推送一次 suite_ticket。`,
        en: `In the provider admin, set the app's (or 代开发 template's) 指令回调URL to ${url}, with the Token and EncodingAESKey of this suite's callback in WECOM_CORPS_FILE; WeCom verifies the URL when it is saved, then pushes a suite_ticket every 10 minutes.`,
      };
      let at: number | undefined;
      try {
        at = await suite.ticketReceivedAt();
      } catch (error) {
        return {
          id,
          status: 'skipped',
          blockedBy: 'store',
          summary: {
            zh: `读不到 suite_ticket：${(error as Error).message}`,
            en: `The suite_ticket could not be read: ${(error as Error).message}`,
          },
        };
      }
      if (at === undefined)
        return {
          id,
          status: 'fail',
          summary: {
            zh: `还没有收到 ${suiteId} 的 suite_ticket：拿不到 suite_access_token，无法安装或服务任何企业。`,
            en: `No suite_ticket of ${suiteId} has arrived: no suite_access_token, so no install and no corp of this suite can be served.`,
          },
          fix,
        };
      const minutes = Math.floor((now() - at) / 60_000);
      const age = now() - at;
      if (age <= TICKET_LATE_MS)
        return {
          id,
          status: 'ok',
          summary: {
            zh: `${suiteId} 的 suite_ticket 于 ${minutes} 分钟前收到。`,
            en: `The suite_ticket of ${suiteId} arrived ${minutes} minute(s) ago.`,
          },
        };
      return {
        id,
        status: age > TICKET_LIFETIME_MS ? 'fail' : 'warn',
        summary: {
          zh: `${suiteId} 最近的 suite_ticket 是 ${minutes} 分钟前收到的（企业微信每 10 分钟推送一次，票据 30 分钟后失效）。`,
          en: `The latest suite_ticket of ${suiteId} arrived ${minutes} minute(s) ago (WeCom pushes one every 10 minutes; a ticket lasts 30 minutes).`,
        },
        fix,
      };
    }),
  );
}

export async function permanentCodeCheck(
  api: ProviderApi,
  suite: Suite,
  corp: InstalledCorp,
): Promise<DoctorCheck> {
  const id = 'permanent-code';
  try {
    await api.getAuthInfo(await suite.token(), corp);
    return {
      id,
      status: 'ok',
      summary: {
        zh: `企业 ${corp.corpId} 对 ${corp.suiteId} 的授权有效（永久授权码可用）。`,
        en: `Corp ${corp.corpId}'s authorisation of ${corp.suiteId} holds (the permanent code works).`,
      },
    };
  } catch (error) {
    return unanswered(id, error, {
      refused: (refusal) => ({
        summary: {
          zh: `企业微信拒绝了企业 ${corp.corpId} 的永久授权码（${refusal.errcode}）。`,
          en: `WeCom refused corp ${corp.corpId}'s permanent code (${refusal.errcode}).`,
        },
        fix: {
          zh: '该企业可能已取消或重置授权：请该企业的管理员重新安装应用（管理后台「服务商」卡片生成安装链接）。',
          en: "The corp may have removed or reset the authorisation: have its admin install the app again (an install link from the console's 服务商 card).",
        },
      }),
      unchecked: { zh: '无法检查永久授权码', en: 'The permanent code could not be checked' },
    });
  }
}

/**
 * A check WeCom did not answer with data: `fail` with its errcode when it refused (`refused` says
 * what that means), else `skipped` with why it could not ask (unreachable, busy).
 */
function unanswered(
  id: string,
  error: unknown,
  say: {
    refused(error: WecomApiError): Pick<DoctorCheck, 'summary' | 'fix'>;
    unchecked: { zh: string; en: string };
  },
): DoctorCheck {
  if (error instanceof WecomApiError)
    return { id, status: 'fail', api: error.api, errcode: error.errcode, ...say.refused(error) };
  const why = error instanceof WecomUnavailableError ? error.detail : (error as Error).message;
  return {
    id,
    status: 'skipped',
    summary: { zh: `${say.unchecked.zh}：${why}`, en: `${say.unchecked.en}: ${why}` },
  };
}

const DAY_MS = 24 * 60 * 60_000;
/** A free trial that ends within this many days is a warning. */
const TRIAL_WARN_DAYS = 14;
/** license/list_actived_account's account types. */
const BASIC = 1;
const INTERWORKING = 2;

const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

const BUY_LICENCES = {
  zh: '在服务商管理后台「接口许可」为该企业购买账号（客户联系需要「互通账号」，登录与通讯录需要「基础账号」），再激活给使用本应用的成员；或为该企业开启自动激活。',
  en: "In the provider admin's 接口许可, buy accounts for this corp (the customer APIs need interworking 互通 accounts; the login and the directory need basic 基础 accounts) and activate them for the members who use the app, or turn on automatic activation for the corp.",
};

/**
 * Whether the members of an installed corp can be served under WeCom's interface licences:
 * license/get_app_license_info says whether WeCom checks them for the suite in the corp and
 * until when its free trial lasts; after the trial, license/list_actived_account counts the
 * members with an active licence (one page of 1,000). Without the provider's ProviderSecret it is
 * skipped, saying where to give it.
 */
export async function licenceCheck(
  provider: Pick<Provider, 'api' | 'providerToken'>,
  corp: InstalledCorp,
  now: () => number = Date.now,
): Promise<DoctorCheck> {
  const id = 'licence';
  const { api, providerToken } = provider;
  if (!providerToken)
    return {
      id,
      status: 'skipped',
      summary: {
        zh: '未配置服务商的 ProviderSecret，无法检查该企业的接口许可。',
        en: 'The provider’s ProviderSecret is not configured: the corp’s interface licences (接口许可) cannot be checked.',
      },
      fix: {
        zh: '在 WECOM_CORPS_FILE 中加入 "provider": { "corpId": "<服务商的 CorpID>", "secret": "env:PROVIDER_SECRET" }，ProviderSecret 见服务商管理后台「应用管理 → 通用开发参数」。',
        en: 'Add "provider": { "corpId": "<the provider’s CorpID>", "secret": "env:PROVIDER_SECRET" } to WECOM_CORPS_FILE; the ProviderSecret is in the provider admin under 应用管理 → 通用开发参数.',
      },
    };
  try {
    const token = await providerToken();
    const info = await api.getAppLicenceInfo(token, corp);
    if (info.license_status !== 1)
      return {
        id,
        status: 'ok',
        api: apiPaths.getAppLicenceInfo,
        summary: {
          zh: `企业微信尚未对企业 ${corp.corpId} 的 ${corp.suiteId} 开启接口许可校验（license_status 0）：成员暂不需要许可。`,
          en: `WeCom does not check interface licences of ${corp.suiteId} in corp ${corp.corpId} (license_status 0): members need none for now.`,
        },
      };
    const trialEnd = info.trail_info?.end_time;
    if (trialEnd !== undefined && trialEnd * 1000 > now()) {
      const days = Math.ceil((trialEnd * 1000 - now()) / DAY_MS);
      return {
        id,
        status: days > TRIAL_WARN_DAYS ? 'ok' : 'warn',
        api: apiPaths.getAppLicenceInfo,
        summary: {
          zh: `企业 ${corp.corpId} 的接口许可试用期到 ${day(trialEnd)}（还剩 ${days} 天）；之后没有许可的成员调用客户联系接口会得到 701008。`,
          en: `Corp ${corp.corpId}'s interface licence trial lasts until ${day(trialEnd)} (${days} day(s) left); after it, members without a licence get 701008 from the customer APIs.`,
        },
        ...(days <= TRIAL_WARN_DAYS && { fix: BUY_LICENCES }),
      };
    }
    const { account_list: accounts, has_more: more } = await api.listLicenceAccounts(
      token,
      corp.corpId,
    );
    const active = (type: number) =>
      accounts.filter((account) => account.type === type && account.expire_time * 1000 > now())
        .length;
    const atLeast = more === 1 ? '≥ ' : '';
    const [interworking, basic] = [active(INTERWORKING), active(BASIC)];
    const counts = {
      zh: `${atLeast}${interworking} 名成员有有效的互通账号，${atLeast}${basic} 名有基础账号`,
      en: `${atLeast}${interworking} member(s) have an active interworking (互通) account, ${atLeast}${basic} a basic one`,
    };
    const ended = trialEnd === undefined ? '' : day(trialEnd);
    return {
      id,
      status: interworking > 0 ? 'ok' : 'fail',
      api: apiPaths.listLicenceAccounts,
      summary: {
        zh: `企业 ${corp.corpId} 的接口许可${ended ? `试用期已于 ${ended} 结束` : '没有试用期'}：${counts.zh}${interworking > 0 ? '；其他成员调用客户联系接口会得到 701008。' : '，客户联系接口对每位成员都会返回 701008。'}`,
        en: `Corp ${corp.corpId}'s interface licence ${ended ? `trial ended on ${ended}` : 'has no trial'}: ${counts.en}${interworking > 0 ? '; other members get 701008 from the customer APIs.' : ', so the customer APIs answer 701008 for every member.'}`,
      },
      ...(interworking === 0 && { fix: BUY_LICENCES }),
    };
  } catch (error) {
    return unanswered(id, error, {
      refused: (refusal) => ({
        summary: {
          zh: `企业微信拒绝了接口许可的查询（${refusal.api}，${refusal.errcode}）。`,
          en: `WeCom refused the interface licence query (${refusal.api}, ${refusal.errcode}).`,
        },
        ...(refusal.api === apiPaths.getProviderToken && {
          fix: {
            zh: 'WECOM_CORPS_FILE 的 provider 中 corpId 须为服务商自己的 CorpID，secret 须为 ProviderSecret（服务商管理后台「应用管理 → 通用开发参数」），不是应用或代开发模板的 Secret。',
            en: 'The corps file’s provider.corpId must be the provider’s own CorpID and provider.secret its ProviderSecret (provider admin → 应用管理 → 通用开发参数), not an app’s or a 代开发 template’s secret.',
          },
        }),
      }),
      unchecked: { zh: '无法检查接口许可', en: 'The interface licences could not be checked' },
    });
  }
}
