import type { EnvVersion } from './env';

/**
 * The one file to edit per deployment (see docs/miniprogram.md).
 *
 * `origins`: the wecom-gate server each build talks to — its PUBLIC_BASE_URL, with the path
 * prefix when the server has one (`https://crm.example.com/gate`). The build is WeChat's envVersion:
 * `develop` (the developer tools and 预览), `trial` (体验版), `release` (正式版). A real device
 * reaches only HTTPS origins registered as request 合法域名 in the mini-program's admin console;
 * the developer tools reach `http://127.0.0.1` with 详情 → 本地设置 → 不校验合法域名.
 * Only a develop build against a server in sandbox mode offers the demo login. A develop build
 * may also talk to another server chosen at run time on the 工作台 (services/server-origin.ts).
 */
export const config = {
  origins: {
    develop: 'http://127.0.0.1:3000',
    trial: 'https://wecom-gate.example.com',
    release: 'https://wecom-gate.example.com',
  } satisfies Record<EnvVersion, string>,
  requestTimeoutMs: 10000,
  loginTimeoutMs: 10000,
  /** The card of this mini-program that the chat toolbar sends into the current chat. */
  chatCard: {
    title: '客户助手',
    /** Opened when the card is tapped. */
    page: 'pages/home/index',
    /**
     * 5:4. A path in the package works on Android only; iOS needs an https URL (WeCom rejects
     * other links with `invalid imgUrl`).
     */
    imgUrl: 'images/chat-card.png',
  },
} as const;
