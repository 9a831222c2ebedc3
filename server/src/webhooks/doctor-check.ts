import { type Doctor, withChecks } from '../admin/doctor';
import type { DoctorCheck } from '../admin/doctor/types';
import type { Webhooks } from '.';

/**
 * The doctor's `webhooks` check: endpoints the server disabled after their retries ran out, each
 * with its URL and last error, and how to start them again. Added after the doctor's own checks
 * (it needs no WeCom call).
 */
export async function webhooksCheck(webhooks: Pick<Webhooks, 'list'>): Promise<DoctorCheck> {
  const endpoints = await webhooks.list();
  const failing = endpoints.filter((endpoint) => endpoint.disabled);
  if (endpoints.length === 0)
    return {
      id: 'webhooks',
      status: 'skipped',
      summary: { zh: '未配置 Webhook 端点。', en: 'No webhook endpoints.' },
    };
  if (failing.length === 0)
    return {
      id: 'webhooks',
      status: 'ok',
      summary: {
        zh: `${endpoints.length} 个 Webhook 端点，没有因投递失败被停用的。`,
        en: `${endpoints.length} webhook endpoint(s), none disabled by failed deliveries.`,
      },
    };
  const list = failing
    .map((endpoint) => `${endpoint.url}（${endpoint.lastError ?? '?'}）`)
    .join('；');
  const listEn = failing
    .map((endpoint) => `${endpoint.url} (${endpoint.lastError ?? '?'})`)
    .join('; ');
  return {
    id: 'webhooks',
    status: 'warn',
    summary: {
      zh: `${failing.length} 个 Webhook 端点重试用尽后已被停用：${list}`,
      en: `${failing.length} webhook endpoint(s) disabled after their retries ran out: ${listEn}`,
    },
    fix: {
      zh: '修好接收方后，在管理后台「Webhook」页点「启用」（或 PATCH /api/admin/webhooks/:id {"enabled":true}）：从停下的那条记录继续按顺序投递。',
      en: 'Once the receiver is fixed, enable the endpoint on the console\'s Webhook page (or PATCH /api/admin/webhooks/:id {"enabled":true}): delivery resumes in order from the record it stopped at.',
    },
  };
}

/**
 * Where the doctor reads the endpoints: the server's own webhooks, the store's (`npm run doctor`
 * with Redis), or nowhere — the CLI without Redis, whose endpoints live in the server's process.
 */
export type WebhookEndpointsSource = Pick<Webhooks, 'list'> | 'in-server-process';

async function checkOf(source: WebhookEndpointsSource): Promise<DoctorCheck> {
  if (source === 'in-server-process')
    return {
      id: 'webhooks',
      status: 'skipped',
      summary: {
        zh: '未设置 REDIS_URL：Webhook 端点只存在于服务器进程中，请看管理后台「诊断」页（GET /api/admin/diagnostics）。',
        en: "REDIS_URL is unset: the webhook endpoints live in the server's process; see the console's diagnostics (GET /api/admin/diagnostics).",
      },
    };
  try {
    return await webhooksCheck(source);
  } catch (error) {
    return {
      id: 'webhooks',
      status: 'skipped',
      blockedBy: 'store',
      summary: {
        zh: `读不到 Webhook 端点：${(error as Error).message}`,
        en: `The webhook endpoints could not be read: ${(error as Error).message}`,
      },
    };
  }
}

/** The doctor with the `webhooks` check after its own. */
export function withWebhooksCheck(doctor: Doctor, source: WebhookEndpointsSource): Doctor {
  return withChecks(doctor, async () => [await checkOf(source)]);
}
