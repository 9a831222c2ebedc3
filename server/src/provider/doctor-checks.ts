import type { DoctorCheck } from '../admin/doctor';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import type { ProviderApi } from '../wecom/provider-api';
import type { InstalledCorp } from './registry';
import { type Suite, TICKET_LIFETIME_MS } from './suite';

/**
 * The doctor's checks of the service provider: with the home corp, each suite's
 * latest suite_ticket (WeCom pushes one every 10 minutes; one older than 30 minutes makes no
 * token); with an installed corp, whether its permanent code still opens it (get_auth_info).
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
    if (error instanceof WecomApiError)
      return {
        id,
        status: 'fail',
        api: error.api,
        errcode: error.errcode,
        summary: {
          zh: `企业微信拒绝了企业 ${corp.corpId} 的永久授权码（${error.errcode}）。`,
          en: `WeCom refused corp ${corp.corpId}'s permanent code (${error.errcode}).`,
        },
        fix: {
          zh: '该企业可能已取消或重置授权：请该企业的管理员重新安装应用（管理后台「服务商」卡片生成安装链接）。',
          en: "The corp may have removed or reset the authorisation: have its admin install the app again (an install link from the console's 服务商 card).",
        },
      };
    const why = error instanceof WecomUnavailableError ? error.detail : (error as Error).message;
    return {
      id,
      status: 'skipped',
      summary: {
        zh: `无法检查永久授权码：${why}`,
        en: `The permanent code could not be checked: ${why}`,
      },
    };
  }
}
