import { randomBytes } from 'node:crypto';
import { type CallbackKeys, createCallbackCrypto, type ReceiverName } from '../../callbacks';
import { isValidEncodingAesKey, TOKEN_PATTERN } from '../../callbacks/crypto';
import type { Bilingual } from '../../wecom/errcodes';
import type { DoctorDeps, ProbeCheck, Verdict } from './types';

/**
 * `callback:app` and `callback:directory`: is the receiver configured, are its Token and
 * EncodingAESKey well-formed, and — with PUBLIC_BASE_URL — does the URL the admin types into
 * the WeCom admin pass the WeCom admin's check? The self-test sends what WeCom sends when the admin
 * clicks 保存 (a signed GET with an encrypted echostr) to `${PUBLIC_BASE_URL}/wecom/callback/<receiver>`
 * and expects the decrypted echo back, bare, within WeCom's second.
 */

const t = (zh: string, en: string): Bilingual => ({ zh, en });

/** WeCom wants the echo within a second; the self-test waits a little longer to say how late. */
const WECOM_ANSWER_MS = 1000;
const SELF_TEST_TIMEOUT_MS = 5000;

const KEYS = {
  app: { token: 'WECOM_APP_CALLBACK_TOKEN', aesKey: 'WECOM_APP_CALLBACK_AES_KEY' },
  directory: {
    token: 'WECOM_DIRECTORY_CALLBACK_TOKEN',
    aesKey: 'WECOM_DIRECTORY_CALLBACK_AES_KEY',
  },
} as const;

function callbackCheck(receiver: ReceiverName, deps: DoctorDeps): ProbeCheck {
  const { token: tokenKey, aesKey } = KEYS[receiver];
  const settings = deps.callbacks;
  return {
    id: `callback:${receiver}`,
    // The app's callback belongs to the app of WECOM_APP_SECRET: the WeCom admin path names it.
    ...(receiver === 'app' && { credential: 'app' as const }),
    async run(ctx) {
      const where = ctx.consolePath(receiver === 'app' ? 'callbackApp' : 'callbackDirectory');
      const url = settings.publicBaseUrl && `${settings.publicBaseUrl}/wecom/callback/${receiver}`;
      const urlText = url ?? `<PUBLIC_BASE_URL>/wecom/callback/${receiver}`;
      const fields = t(
        `URL ${urlText}、Token（${tokenKey}）与 EncodingAESKey（${aesKey}），然后保存。`,
        `the URL ${urlText}, the Token (${tokenKey}) and the EncodingAESKey (${aesKey}), then save.`,
      );
      const enter = t(`在${where.zh}填写${fields.zh}`, `In ${where.en} enter ${fields.en}`);
      const keys = settings.keys[receiver];
      if (!keys) {
        const why =
          receiver === 'app'
            ? t(
                '未配置应用的接收消息服务器：客户与客户群的变更不会推送过来（详情缓存须保持较短），且没有可信域名时无法配置企业可信IP。',
                "The app's callback is not configured: customer and group changes are not pushed (keep the detail cache short), and without a trusted domain the console will not let you set trusted IPs.",
              )
            : t(
                '未配置通讯录同步的接收事件服务器：成员离职或改 userid 时其会话不会立即结束。',
                'The contacts-sync callback is not configured: sessions of employees who leave or whose userid changes do not end at once.',
              );
        return {
          status: receiver === 'app' ? 'warn' : 'skipped',
          summary: why,
          fix: t(
            `在${where.zh}点「随机获取」生成 Token 与 EncodingAESKey，设为 ${tokenKey} 与 ${aesKey} 并重启本服务，再在该页填写${fields.zh}`,
            `In ${where.en} click "Random" for a Token and an EncodingAESKey, set them as ${tokenKey} and ${aesKey}, restart this server, then on that page enter ${fields.en}`,
          ),
        };
      }
      if (!TOKEN_PATTERN.test(keys.token) || !isValidEncodingAesKey(keys.encodingAesKey)) {
        return {
          status: 'fail',
          summary: t(
            `${tokenKey} 或 ${aesKey} 格式不对（Token 为 1–32 位字母数字，EncodingAESKey 为 43 位）。`,
            `${tokenKey} or ${aesKey} is malformed (the Token is 1–32 letters and digits, the EncodingAESKey 43 characters).`,
          ),
          fix: t(
            `从${where.zh}原样复制两者（不带空格）。`,
            `Copy both from ${where.en} exactly (no spaces).`,
          ),
        };
      }
      if (!url) {
        return deps.store.sandbox
          ? {
              status: 'ok',
              summary: t(
                `已配置（沙箱模式：模拟器在启动时已校验 /wecom/callback/${receiver}）。`,
                `Configured (sandbox mode: the simulator verified /wecom/callback/${receiver} at start).`,
              ),
            }
          : {
              status: 'warn',
              summary: t(
                `已配置，Token 与 EncodingAESKey 格式正确；未设置 PUBLIC_BASE_URL，无法自测控制台的 URL 校验。`,
                `Configured, Token and EncodingAESKey well-formed; PUBLIC_BASE_URL is unset, so the console's URL check cannot be tried.`,
              ),
              fix: t(
                '把 PUBLIC_BASE_URL 设为本服务在可信域名上的 HTTPS 地址（如 https://gate.example.com），再运行 npm run doctor。',
                "Set PUBLIC_BASE_URL to this server's HTTPS origin on the trusted domain (e.g. https://gate.example.com) and run npm run doctor again.",
              ),
            };
      }
      return selfTest(url, keys, { corpId: deps.wecom.corpId, enter, tokenKey, aesKey });
    },
  };
}

async function selfTest(
  url: string,
  keys: CallbackKeys,
  context: { corpId: string; enter: Bilingual; tokenKey: string; aesKey: string },
): Promise<Verdict> {
  const { enter, tokenKey, aesKey } = context;
  // What the reverse proxy must forward: `/wecom/callback/`, under PUBLIC_BASE_URL's path prefix.
  const forwarded = new URL(url).pathname.replace(/[^/]*$/, '');
  const echo = String(randomBytes(8).readBigUInt64BE(0));
  const sealed = createCallbackCrypto({ keys, receiveId: context.corpId }).seal(echo);
  const query = new URLSearchParams({
    msg_signature: sealed.msgSignature,
    timestamp: sealed.timestamp,
    nonce: sealed.nonce,
    echostr: sealed.encrypt,
  });
  const started = performance.now();
  let status: number;
  let body: string;
  try {
    const response = await fetch(`${url}?${query}`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(SELF_TEST_TIMEOUT_MS),
    });
    status = response.status;
    body = (await response.text()).slice(0, 1000);
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      status: 'fail',
      summary: t(
        `自测失败：GET ${url} ${timedOut ? `${SELF_TEST_TIMEOUT_MS} ms 内无应答` : `无法访问（${(error as Error).message}）`}。企业微信的校验同样会失败。`,
        `Self-test failed: GET ${url} ${timedOut ? `got no answer within ${SELF_TEST_TIMEOUT_MS} ms` : `could not be reached (${(error as Error).message})`}. WeCom's check would fail the same way.`,
      ),
      fix: t(
        `检查 PUBLIC_BASE_URL 的域名解析、HTTPS 证书、防火墙与反向代理（须把 ${forwarded} 原样转发到本服务）；本机访问不了自己的公网地址时（NAT 回环），请从外网再试。`,
        `Check PUBLIC_BASE_URL's DNS, HTTPS certificate, firewall and reverse proxy (it must forward ${forwarded} to this server, path unchanged); if this host cannot reach its own public address (NAT hairpin), try from outside.`,
      ),
    };
  }
  const ms = Math.round(performance.now() - started);
  const failed = (zh: string, en: string, fix: Bilingual): Verdict => ({
    status: 'fail',
    summary: t(
      `自测失败：GET ${url} → ${status}，${zh}企业微信的校验同样会失败（回调URL校验失败）。`,
      `Self-test failed: GET ${url} → ${status}, ${en} WeCom's check would fail the same way.`,
    ),
    fix,
  });
  if (status === 200 && body === echo) {
    if (ms > WECOM_ANSWER_MS)
      return {
        status: 'warn',
        summary: t(
          `自测通过但用时 ${ms} ms：企业微信要求 1 秒内应答，保存时可能失败。`,
          `Self-test passed but took ${ms} ms: WeCom wants the answer within 1 s, so saving may fail.`,
        ),
        fix: t(
          '检查反向代理与本服务之间的延迟，再重试。',
          'Check the latency between the reverse proxy and this server, then retry.',
        ),
      };
    return {
      status: 'ok',
      summary: t(
        `自测通过：GET ${url} 在 ${ms} ms 内返回了解密后的 echostr。${enter.zh}`,
        `Self-test passed: GET ${url} answered the decrypted echostr in ${ms} ms. ${enter.en}`,
      ),
    };
  }
  if (status === 200)
    return failed(
      '但返回的不是解密后的 echostr 原文。',
      'but the body is not the bare decrypted echostr.',
      t(
        '确认该地址由本服务应答（而非其他站点或网关页面），且中间没有改写响应体（加引号、换行、BOM）。',
        'Make sure this server answers that URL (not another site or a gateway page) and that nothing in between rewrites the body (quotes, a newline, a BOM).',
      ),
    );
  if (status >= 300 && status < 400)
    return failed(
      '是重定向。',
      'a redirect.',
      t(
        '企业微信不跟随重定向：把 PUBLIC_BASE_URL 与控制台中的 URL 改为最终地址（通常是 https://）。',
        'WeCom does not follow redirects: use the final address (usually https://) in PUBLIC_BASE_URL and in the console.',
      ),
    );
  if (status === 404)
    return failed(
      '该地址没有这个接收器。',
      'no such receiver at that address.',
      t(
        `确认反向代理把 ${forwarded} 原样转发到本服务，且应答该地址的实例设置了 ${tokenKey} 与 ${aesKey}。`,
        `Make sure the reverse proxy forwards ${forwarded} to this server, path unchanged, and that the instances answering it have ${tokenKey} and ${aesKey} set.`,
      ),
    );
  if (status === 401)
    return failed(
      '签名不符。',
      'the signature does not match.',
      t(
        `应答该地址的实例使用了另一个 Token：让所有实例的 ${tokenKey} 一致。`,
        `The instance answering that URL uses another Token: give every instance the same ${tokenKey}.`,
      ),
    );
  if (status === 400 || status === 403)
    return failed(
      '无法用该 EncodingAESKey 解密，或企业ID 不符。',
      'it does not decrypt with that EncodingAESKey, or the corp ID differs.',
      t(
        `应答该地址的实例使用了另一个 EncodingAESKey 或 WECOM_CORP_ID：让所有实例的 ${aesKey} 与 WECOM_CORP_ID 一致；若时间相差超过 5 分钟，请校准服务器时钟（NTP）。`,
        `The instance answering that URL uses another EncodingAESKey or WECOM_CORP_ID: give every instance the same ${aesKey} and WECOM_CORP_ID; if its clock is more than 5 minutes off, fix it (NTP).`,
      ),
    );
  return failed(
    '不是 200。',
    'not 200.',
    t(
      '查看本服务与反向代理的日志中这次请求的记录。',
      "Look up this request in this server's and the reverse proxy's logs.",
    ),
  );
}

export function callbackChecks(deps: DoctorDeps): ProbeCheck[] {
  return [callbackCheck('app', deps), callbackCheck('directory', deps)];
}
