import type { CredentialName } from '../../config';

/**
 * The WeCom errcode catalogue, as data: for every errcode this system can meet (gettoken, the
 * mini-program login, the customer-contact and directory APIs, the trusted-IP set-up), what WeCom
 * means, the likely cause in this system and the fix an admin makes, in Simplified Chinese and
 * English, with the WeCom admin path. Texts that depend on the situation (which API family answered,
 * which configured secret was used, whether WeCom named the egress IP) are variants of an entry,
 * also data. `explain.ts` reads this table; nothing here runs logic.
 *
 * Placeholders, filled by `explain.ts`:
 * - `{app}`  the app in a WeCom admin path: its name and AgentId when known, else the configured
 *            key's app (`<WECOM_APP_SECRET 对应的应用>`), else `<应用>` / `<app>`;
 * - `{key}`  the configured secret's key (`WECOM_CONTACT_SECRET（未设置时为 WECOM_APP_SECRET）`);
 * - `{ip}`   the egress IP from WeCom's `from ip:` (admins only: never in the short form);
 * - `{link}` WeCom's errcode query page for this code;
 * - `{target}` the department or member the call was about, when the caller names it.
 */

export type Bilingual = { zh: string; en: string };

export type ErrcodeCategory =
  | 'transient' // -1, network-like: bounded retry with backoff
  | 'rate_limited' // 45009, 45033: no hammering → wecom.unavailable
  | 'token' // 40014, 42001 (and 40001 on a cached token): refresh once, retry once
  | 'credential' // 40001, 40013, 40091, 41002, 41004, 45031, 48006, 50003 from gettoken: never loop
  | 'login_code' // 40029, 42003, 42022 (and 42013): the client must call wx.qy.login again
  | 'not_found' // 40096, 84061, 60111, 40050, 86001, 90501, 41035, 81013
  | 'permission' // 48002, 48009, 60011, 60020, 84074, 81017, 90206, 92002, trusted-domain codes …
  | 'request'; // 40003, 40058, 40063, 41001, third-party-only codes, unknown codes: a bug in the request

/** Which kind of API answered: the same code can mean different things on each. */
export type ApiFamily = 'gettoken' | 'login' | 'customer' | 'directory' | 'agent' | 'other';

/** When a variant applies; every condition given must hold. */
export interface VariantCondition {
  /** The API that answered belongs to one of these families. */
  api?: readonly ApiFamily[];
  /** The configured secret used for the call is known. */
  credential?: true;
  /** WeCom's errmsg named the egress IP (`from ip:`). */
  fromIp?: true;
  /** The caller named the department or member the call was about (`{target}`), or a member. */
  target?: true | 'member';
}

/** Texts replacing the entry's in one situation; `more: null` drops the entry's `more`. */
export interface Variant {
  when: VariantCondition;
  cause?: Bilingual;
  action?: Bilingual;
  more?: Bilingual | null;
  /** Whose key `{key}` names when the call's credential is unknown. */
  keyOf?: CredentialName;
}

export interface CatalogueEntry {
  category: ErrcodeCategory;
  meaning: Bilingual;
  cause: Bilingual;
  /** The one-line fix (the short form uses it alone). */
  action: Bilingual;
  /** Detail added to the fix in the full form. */
  more?: Bilingual;
  /** Whose key `{key}` names when the call's credential is unknown. */
  keyOf?: CredentialName;
  /** Situational texts; the first whose condition holds wins. */
  variants?: readonly Variant[];
}

const t = (zh: string, en: string): Bilingual => ({ zh, en });

/**
 * Console paths, one per place: the catalogue, the doctor and the docs name these and no other
 * spelling (a test holds them to it).
 */
const APP = t('应用管理 → 自建 → {app}', 'App Management → Self-built → {app}');
const path = (tail: Bilingual): Bilingual =>
  t(`「${APP.zh} → ${tail.zh}」`, `"${APP.en} → ${tail.en}"`);
export const consolePaths = {
  app: t(`「${APP.zh}」`, `"${APP.en}"`),
  secret: path(t('Secret → 查看', 'Secret → View')),
  trustedIp: path(t('企业可信IP → 配置', 'Trusted IP → Configure')),
  visibleRange: path(t('可见范围', 'Visible Range')),
  trustedDomain: path(t('设置可信域名', 'Set trusted domain')),
  /** The app's callback URL (接收消息服务器): its Token and EncodingAESKey. */
  callbackApp: path(t('接收消息 → 设置API接收', 'Receive Messages → Set API Receiving')),
  /** The contacts-sync callback URL: its own Token and EncodingAESKey. */
  callbackDirectory: t(
    '「管理工具 → 通讯录同步 → 设置接收事件服务器」',
    '"Management Tools → Contacts Sync → Set Event Receiving Server"',
  ),
  /** For 48009: the fix is another app than the configured one, so `{app}` is not used. */
  selfBuiltSecret: t(
    '「应用管理 → 自建 → <自建应用> → Secret → 查看」',
    '"App Management → Self-built → <a self-built app> → Secret → View"',
  ),
  /** For 48002/40014 on the login: the fix names the mini-program's associated app. */
  associatedSecret: t(
    '「应用管理 → 自建 → <小程序关联的应用> → Secret → 查看」',
    '"App Management → Self-built → <the mini-program\'s associated app> → Secret → View"',
  ),
  corpId: t('「我的企业 → 企业信息 → 企业ID」', '"My Company → Company Info → Company ID"'),
  contactApps: t(
    '「客户联系 → API → 可调用接口的应用」',
    '"Customer Contact → API → Apps that can call the API"',
  ),
  contactMembers: t('「客户联系 → 权限配置」', '"Customer Contact → Permissions"'),
  directorySync: t('「管理工具 → 通讯录同步」', '"Management Tools → Contacts Sync"'),
  providerIp: t(
    '「服务商管理后台 → 服务商信息 → 基本信息 → IP白名单」',
    '"Provider Console → Provider Info → Basic Info → IP Whitelist"',
  ),
} as const;
const {
  app: APP_PATH,
  secret: SECRET_PATH,
  trustedIp: TRUSTED_IP_PATH,
  visibleRange: VISIBLE_PATH,
  selfBuiltSecret: SELF_BUILT_SECRET_PATH,
  associatedSecret: ASSOCIATED_SECRET_PATH,
  corpId: CORP_ID_PATH,
  contactApps: CONTACT_APPS_PATH,
  contactMembers: CONTACT_MEMBERS_PATH,
  directorySync: DIRECTORY_SYNC_PATH,
  providerIp: PROVIDER_IP_PATH,
} = consolePaths;
const SPAM_UNBLOCK_URL = 'https://open.work.weixin.qq.com/wwopen/devtool/checkCorpSpamBlock';

const NO_LOOP = t(
  '不要反复重试：同一 IP 多次使用错误的 Secret 调用 gettoken 会被封禁 1 小时。',
  'Do not retry in a loop: repeated wrong secrets from one IP get that IP banned for 1 hour.',
);
const TO_DEVELOPERS = t(
  '这是本系统的请求错误，不是管理员配置问题：请把日志中的接口名和 hint 交给开发者。',
  'This is a request bug in this system, not an admin setting: give the API name and the hint from the log to the developers.',
);
const THIRD_PARTY_ONLY = t(
  '本系统是自建应用，只使用自建应用的 access_token，不应出现此错误；无需修改配置，请把日志中的 hint 交给开发者。',
  'This system is a self-built app and uses only self-built access tokens, so this should not occur; no setting to change, give the hint from the log to the developers.',
);
const RELOGIN = t(
  '请员工重新打开小程序（客户端会重新调用 wx.qy.login）。',
  'Have the employee reopen the mini-program (the client calls wx.qy.login again).',
);
const TRUSTED_DOMAIN_PREREQ = t(
  '前提：须先为该应用设置可信域名或接收消息服务器URL，管理后台才允许配置企业可信IP；保存后约 1 分钟生效。',
  'Prerequisite: the console only lets you set trusted IPs once the app has a trusted domain (可信域名) or a message-receiving server URL (接收消息服务器URL); the change takes effect about 1 minute after saving.',
);

/** 40050 and 86001 mean the same thing. */
const invalidChatId: CatalogueEntry = {
  category: 'not_found',
  meaning: t('不合法的客户群 ID（chatid）', 'Invalid customer-group ID (chatid)'),
  cause: t(
    '请求的客户群 chat_id 无效。',
    'The customer group chat_id in the request is not valid.',
  ),
  action: t(
    '无需修改配置：该客户群不存在或不属于本企业。',
    'No setting to change: the group does not exist or is not this corp’s.',
  ),
};

const entries: ReadonlyArray<readonly [number, CatalogueEntry]> = [
  [
    -1,
    {
      category: 'transient',
      meaning: t('系统繁忙', 'System busy'),
      cause: t(
        '企业微信服务端暂时繁忙，与本系统的配置无关。',
        "WeCom's servers are temporarily busy; this is not caused by this system's configuration.",
      ),
      action: t(
        '无需修改配置；服务端会退避重试（最多 3 次），请稍后再试。',
        'No setting to change; the server retries with backoff (at most 3 times); try again later.',
      ),
      more: t(
        '若持续出现，检查服务器到 qyapi.weixin.qq.com（或 WECOM_API_BASE / WECOM_PROXY）的网络。',
        'If it persists, check the network path to qyapi.weixin.qq.com (or WECOM_API_BASE / WECOM_PROXY).',
      ),
    },
  ],
  [
    40001,
    {
      category: 'credential',
      meaning: t(
        '不合法的 secret 参数（invalid credential）',
        'Invalid secret (invalid credential)',
      ),
      cause: t(
        'gettoken 使用的 Secret 与企业ID不匹配：Secret 复制错误、在管理后台被重置过但仍部署着旧值，或该应用已停用。',
        'The secret used for gettoken does not match the corp ID: it was copied wrongly, it was reset in the console while the old value is still deployed, or the app is disabled.',
      ),
      action: t(
        `在${SECRET_PATH.zh}重新复制 Secret 并更新配置；若应用已停用，先在${APP_PATH.zh}启用它。`,
        `Re-copy the secret from ${SECRET_PATH.en} and update the configuration; if the app is disabled, enable it in ${APP_PATH.en}.`,
      ),
      more: NO_LOOP,
      variants: [
        {
          when: { api: ['login', 'customer', 'directory', 'agent', 'other'] },
          cause: t(
            '缓存的 access_token 被判定无效（服务端会删除它、刷新一次并重试）；若刷新后 gettoken 也返回 40001，则是 Secret 错误或应用已停用。',
            'The cached access token was judged invalid (the server drops it, refreshes once and retries); if gettoken then returns 40001 too, the secret is wrong or the app is disabled.',
          ),
        },
        {
          when: { credential: true },
          action: t(
            `在${SECRET_PATH.zh}重新复制 Secret 并更新 {key}；若应用已停用，先在${APP_PATH.zh}启用它。`,
            `Re-copy the secret from ${SECRET_PATH.en} and update {key}; if the app is disabled, enable it in ${APP_PATH.en}.`,
          ),
        },
      ],
    },
  ],
  [
    40003,
    {
      category: 'request',
      meaning: t('无效的 UserID', 'Invalid UserID'),
      cause: t(
        '请求中的 userid 不在通讯录中（成员已离职或被删除），或请求用错了 HTTP 方法（POST 接口用了 GET）。',
        'The userid is not in the contact book (the member left or was deleted), or the request used the wrong HTTP method (GET on a POST API).',
      ),
      action: t(
        '核对该成员是否仍在通讯录中；若成员存在，请把日志中的 hint 交给开发者。',
        'Check that the member is still in the contact book; if so, give the hint from the log to the developers.',
      ),
    },
  ],
  [
    40013,
    {
      category: 'credential',
      meaning: t('不合法的 CorpID（invalid corpid）', 'Invalid CorpID (invalid corpid)'),
      cause: t(
        'WECOM_CORP_ID 填写错误：多了空格、填成了小程序的 appid，或是其他企业的 ID。',
        "WECOM_CORP_ID is wrong: stray whitespace, the mini-program's appid, or another corp's ID.",
      ),
      action: t(
        `从${CORP_ID_PATH.zh}复制企业ID，填入 WECOM_CORP_ID。`,
        `Copy the corp ID from ${CORP_ID_PATH.en} into WECOM_CORP_ID.`,
      ),
      more: t(
        '企业ID不是小程序的 appid（请勿使用小程序的 appid）。',
        "The corp ID is not the mini-program's appid.",
      ),
    },
  ],
  [
    40014,
    {
      category: 'token',
      meaning: t('不合法的 access_token', 'Invalid access_token'),
      cause: t(
        'access_token 已过期或被企业微信提前作废（服务端会刷新一次并重试）；若反复出现，说明 Secret 所属应用的类型不适合该接口，例如小程序登录用了非小程序关联应用的 token。',
        "The access token expired or WeCom invalidated it early (the server refreshes once and retries); if it keeps happening, the secret's app does not fit this API, e.g. the mini-program login used a token of an app that is not the mini-program's.",
      ),
      action: t(
        '偶发时无需处理；若持续出现，确认所用 Secret 属于正确的应用（小程序登录所用的 WECOM_APP_SECRET 必须是该小程序关联应用的 Secret）。',
        'If occasional, nothing to do; if it persists, make sure the secret belongs to the right app (WECOM_APP_SECRET, used for the mini-program login, must be the secret of the app the mini-program is associated with).',
      ),
      variants: [
        {
          when: { api: ['login'] },
          cause: t(
            'access_token 来自非小程序关联的应用：WECOM_APP_SECRET 不是该小程序所关联应用的 Secret（若只是偶发，则是 token 被提前作废，服务端会刷新重试）。',
            "The access token comes from an app that is not the mini-program's: WECOM_APP_SECRET is not the secret of the app the mini-program is associated with (if it is only occasional, the token was invalidated early and the server refreshes and retries).",
          ),
          action: t(
            `把 WECOM_APP_SECRET 改为小程序关联应用的 Secret（在${ASSOCIATED_SECRET_PATH.zh}复制）。`,
            `Set WECOM_APP_SECRET to the secret of the mini-program's associated app (copy it from ${ASSOCIATED_SECRET_PATH.en}).`,
          ),
        },
      ],
    },
  ],
  [
    40029,
    {
      category: 'login_code',
      meaning: t('不合法的 code（invalid code）', 'Invalid login code (invalid code)'),
      cause: t(
        '小程序登录 code 已被使用过、超过 5 分钟，或来自另一个小程序/应用（与 WECOM_APP_SECRET 所属应用不一致）。',
        'The login code was already used, is older than 5 minutes, or came from another mini-program/app than the one WECOM_APP_SECRET belongs to.',
      ),
      action: RELOGIN,
      more: t(
        '若每次登录都失败，确认 WECOM_APP_SECRET 是发出 code 的小程序所关联应用的 Secret（开发版、测试版小程序若绑定了不同应用，后端要使用对应应用的 Secret）。',
        "If every login fails, make sure WECOM_APP_SECRET is the secret of the app associated with the mini-program that issued the code (if dev and test mini-programs are bound to different apps, each backend needs that app's secret).",
      ),
    },
  ],
  [40050, invalidChatId],
  [
    40056,
    {
      category: 'request',
      meaning: t('不合法的 agentid', 'Invalid agentid'),
      cause: t(
        'agentid 不是整数，或对应的应用已被删除。',
        'The agentid is not an integer, or that app was deleted.',
      ),
      action: t(
        `把 WECOM_APP_AGENT_ID 设为现存应用的数字 AgentId（见${APP_PATH.zh}）。`,
        `Set WECOM_APP_AGENT_ID to the numeric AgentId of an existing app (see ${APP_PATH.en}).`,
      ),
    },
  ],
  [
    40058,
    {
      category: 'request',
      meaning: t('不合法的参数', 'Invalid parameter'),
      cause: t(
        '请求参数不合法：JSON 格式错误、值过长（如 userid 超过 64 字节）、数组过长、必填字段为空，或 POST 接口用了 GET。',
        'A request parameter is invalid: bad JSON, a value too long (e.g. a userid over 64 bytes), an array too long, a required field empty, or GET used on a POST API.',
      ),
      action: TO_DEVELOPERS,
    },
  ],
  [
    40063,
    {
      category: 'request',
      meaning: t('参数为空', 'Parameter empty'),
      cause: t(
        '缺少必填参数，或 POST 接口的 JSON 被当作表单/查询串发送。',
        'A required parameter is missing, or a POST body was sent as form data or query string instead of JSON.',
      ),
      action: TO_DEVELOPERS,
    },
  ],
  [
    40082,
    {
      category: 'request',
      meaning: t('不合法的 suite_token', 'Invalid suite_token'),
      cause: t(
        '第三方应用的 suite_access_token 无效，或其套件未绑定该小程序（仅第三方应用）。',
        'A third-party suite_access_token is invalid, or its suite is not bound to this mini-program (third-party apps only).',
      ),
      action: THIRD_PARTY_ONLY,
    },
  ],
  [
    40084,
    {
      category: 'request',
      meaning: t('不合法的永久授权码（permanent_code）', 'Invalid permanent_code'),
      cause: t('仅第三方应用会出现。', 'Occurs for third-party apps only.'),
      action: THIRD_PARTY_ONLY,
    },
  ],
  [
    40091,
    {
      category: 'credential',
      meaning: t(
        'secret 不合法（secret is invalid），可能是其他企业的 secret',
        'Secret is invalid, possibly another corp’s secret',
      ),
      cause: t(
        '配置的 Secret 属于另一个企业，与 WECOM_CORP_ID 不是同一企业。',
        'The configured secret belongs to another corp than WECOM_CORP_ID.',
      ),
      action: t(
        `使用 WECOM_CORP_ID 所在企业的应用 Secret：在${SECRET_PATH.zh}复制并更新配置。`,
        `Use a secret of the corp in WECOM_CORP_ID: copy it from ${SECRET_PATH.en} and update the configuration.`,
      ),
      more: NO_LOOP,
      variants: [
        {
          when: { credential: true },
          more: t(
            `要更新的配置项是 {key}。${NO_LOOP.zh}`,
            `The key to update is {key}. ${NO_LOOP.en}`,
          ),
        },
      ],
    },
  ],
  [
    40096,
    {
      category: 'not_found',
      meaning: t('不合法的外部联系人 userid（external_userid）', 'Invalid external_userid'),
      cause: t(
        '客户 ID 来自另一类应用（第三方/代开发应用的 external_userid 与自建应用不同），或该客户的跟进成员不在本应用的可见范围内。',
        "The customer ID comes from another kind of app (third-party and 代开发 apps see different external_userids than self-built apps), or the customer's follower is outside this app's visible range.",
      ),
      action: t(
        `在${VISIBLE_PATH.zh}中加入该客户的跟进成员；确认客户 ID 来自同一类应用。`,
        `Add the customer's follower to ${VISIBLE_PATH.en}; make sure the customer ID comes from the same kind of app.`,
      ),
    },
  ],
  [
    41001,
    {
      category: 'request',
      meaning: t('缺少 access_token 参数', 'Missing access_token'),
      cause: t(
        'access_token 没有放在 URL 查询串中（例如放进了请求体）。',
        'The access_token was not in the URL query string (e.g. it was put in the body).',
      ),
      action: TO_DEVELOPERS,
    },
  ],
  [
    41002,
    {
      category: 'credential',
      meaning: t('缺少 corpid 参数', 'Missing corpid'),
      cause: t(
        'gettoken 请求没有带 corpid：WECOM_CORP_ID 为空。',
        'gettoken was called without a corpid: WECOM_CORP_ID is empty.',
      ),
      action: t(
        `从${CORP_ID_PATH.zh}复制企业ID，填入 WECOM_CORP_ID。`,
        `Copy the corp ID from ${CORP_ID_PATH.en} into WECOM_CORP_ID.`,
      ),
    },
  ],
  [
    41004,
    {
      category: 'credential',
      meaning: t('缺少 secret 参数', 'Missing secret'),
      cause: t(
        'gettoken 请求没有带 Secret：对应的 Secret 配置为空。',
        'gettoken was called without a secret: the configured secret is empty.',
      ),
      action: t(
        `在${SECRET_PATH.zh}复制 Secret，填入对应的配置项。`,
        `Copy the secret from ${SECRET_PATH.en} into the matching configuration key.`,
      ),
      variants: [
        {
          when: { credential: true },
          more: t('要更新的配置项是 {key}。', 'The key to update is {key}.'),
        },
      ],
    },
  ],
  [
    41035,
    {
      category: 'not_found',
      meaning: t('缺少外部联系人 userid 参数（external_userid）', 'Missing external_userid'),
      cause: t(
        '请求没有带客户的 external_userid。',
        "The request did not carry the customer's external_userid.",
      ),
      action: t(
        '确认所选客户有效；若问题重复出现，请把日志中的 hint 交给开发者。',
        'Make sure the chosen customer is valid; if it recurs, give the hint from the log to the developers.',
      ),
    },
  ],
  [
    42001,
    {
      category: 'token',
      meaning: t('access_token 已过期', 'access_token expired'),
      cause: t(
        '缓存的 access_token 已过期，服务端会刷新一次并重试。',
        'The cached access token expired; the server refreshes it once and retries.',
      ),
      action: t('无需处理。', 'Nothing to do.'),
    },
  ],
  [
    42003,
    {
      category: 'login_code',
      meaning: t('code 已过期', 'Login code expired'),
      cause: t(
        '小程序登录 code 超过 5 分钟未兑换。',
        'The login code was not exchanged within 5 minutes.',
      ),
      action: RELOGIN,
    },
  ],
  [
    42009,
    {
      category: 'request',
      meaning: t('suite_access_token 已过期', 'suite_access_token expired'),
      cause: t('仅第三方应用会出现。', 'Occurs for third-party apps only.'),
      action: THIRD_PARTY_ONLY,
    },
  ],
  [
    42013,
    {
      category: 'login_code',
      meaning: t('小程序未登录或登录态已过期', 'Mini-program not logged in, or the login expired'),
      cause: t(
        '小程序在服务端兑换 code 之前就调用了 wx.qy.* 接口，或会话已过期。',
        'The mini-program called wx.qy.* before the server exchanged the code, or the session expired.',
      ),
      action: RELOGIN,
    },
  ],
  [
    42022,
    {
      category: 'login_code',
      meaning: t('code 已被使用', 'Login code already used'),
      cause: t(
        '同一个登录 code 被兑换了两次（重复提交、重试，或多台服务器同时使用同一 code）。',
        'The same login code was exchanged twice (double submit, retries, or several servers consuming the same code).',
      ),
      action: RELOGIN,
      more: t(
        '若频繁出现，检查是否有其他服务也在兑换同一小程序的 code。',
        "If it is frequent, check whether another service also exchanges this mini-program's codes.",
      ),
    },
  ],
  [
    45009,
    {
      category: 'rate_limited',
      meaning: t(
        '接口调用超过限制（api freq out of limit）',
        'API call frequency exceeded (api freq out of limit)',
      ),
      cause: t(
        '调用频率超限：token 缓存失效导致频繁调用 gettoken、循环调用、URL 中带了 debug=1（每分钟仅 5 次），或多次用错误的 Secret 调用 gettoken。',
        'Too many calls: gettoken called repeatedly because the token cache failed, a loop, debug=1 in the URL (only 5 calls a minute), or repeated gettoken with a wrong secret.',
      ),
      action: t(
        `等待封禁结束（分钟级限制封禁 60 秒，小时级封禁 60 分钟）；部分封禁可在 ${SPAM_UNBLOCK_URL} 自助解封。`,
        `Wait for the block to end (a minute limit blocks for 60 s, an hour limit for 60 min); some blocks can be lifted at ${SPAM_UNBLOCK_URL}.`,
      ),
      more: t(
        '若同时出现 40001/40091，先修正 Secret，否则同一 IP 会被封禁 1 小时。',
        'If 40001/40091 appear too, fix the secret first, or that IP is banned for 1 hour.',
      ),
    },
  ],
  [
    45031,
    {
      category: 'credential',
      meaning: t('corpsecret 安全性不足，请重置', 'corpsecret not secure enough; reset it'),
      cause: t(
        '该应用的 Secret 被企业微信判定为不够安全。',
        "WeCom considers the app's secret not secure enough.",
      ),
      action: t(
        `在${SECRET_PATH.zh}重置 Secret，并更新对应的配置项。`,
        `Reset the secret at ${SECRET_PATH.en} and update the matching configuration key.`,
      ),
      variants: [
        {
          when: { credential: true },
          more: t('要更新的配置项是 {key}。', 'The key to update is {key}.'),
        },
      ],
    },
  ],
  [
    45033,
    {
      category: 'rate_limited',
      meaning: t('接口并发调用超过限制', 'API concurrency limit exceeded'),
      cause: t(
        '本企业对同一接口的并发调用过多（例如批量查询客户）。',
        'Too many concurrent calls to the same API for this corp (e.g. bulk customer lookups).',
      ),
      action: t(
        '稍后重试；若频繁出现，降低对该接口的并发调用（例如分批查询）。',
        'Try again later; if it is frequent, lower the concurrency of calls to that API (e.g. look up in smaller batches).',
      ),
    },
  ],
  [
    48002,
    {
      category: 'permission',
      meaning: t('API 禁止调用（api forbidden，无权限）', 'API forbidden (no permission)'),
      cause: t(
        '调用该接口的应用没有权限：客户联系接口要求应用已加入可调用接口的应用列表；小程序登录要求 token 来自小程序关联的应用；或用错了 Secret 的类型。',
        "The calling app has no permission: customer-contact APIs need the app in the list of apps that can call the API; the mini-program login needs a token from the mini-program's associated app; or the wrong kind of secret is used.",
      ),
      action: t(
        `客户联系接口：在${CONTACT_APPS_PATH.zh}中加入该应用；小程序登录：WECOM_APP_SECRET 改用小程序关联应用的 Secret。`,
        `Customer APIs: add the app under ${CONTACT_APPS_PATH.en}; mini-program login: set WECOM_APP_SECRET to the secret of the mini-program's associated app.`,
      ),
      variants: [
        {
          when: { api: ['login'] },
          cause: t(
            'WECOM_APP_SECRET 不是该小程序所关联应用的 Secret：发出登录 code 的小程序与 access_token 所属应用对应的小程序不是同一个（小程序与企业主体不同时也会出现）。',
            "WECOM_APP_SECRET is not the secret of the app the mini-program is associated with: the mini-program that issued the login code is not the one the token's app belongs to (also seen when the mini-program and the corp are different legal subjects).",
          ),
          action: t(
            `把 WECOM_APP_SECRET 改为小程序关联应用的 Secret（在${ASSOCIATED_SECRET_PATH.zh}复制）；在「应用管理」中核对小程序的关联。`,
            `Set WECOM_APP_SECRET to the secret of the mini-program's associated app (copy it from ${ASSOCIATED_SECRET_PATH.en}); check the association in App Management.`,
          ),
          more: null,
        },
        {
          when: { api: ['directory'] },
          keyOf: 'directory',
          cause: t(
            `{key} 对应的应用不能调用这个通讯录接口：user/list_id 只接受${DIRECTORY_SYNC_PATH.zh}的 Secret。`,
            `The app of {key} cannot call this directory API: user/list_id accepts only the secret of ${DIRECTORY_SYNC_PATH.en} (通讯录同步).`,
          ),
          action: t(
            '自建应用的 Secret 用 department/list 与 user/list 读取通讯录即可，无需修改配置。',
            "With a self-built app's secret the directory is read with department/list and user/list; no setting to change.",
          ),
          more: null,
        },
        {
          when: { api: ['customer'] },
          keyOf: 'contact',
          cause: t(
            '{key} 对应的应用没有加入客户联系的可调用接口的应用列表。',
            'The app of {key} is not in the customer-contact list of apps that can call the API.',
          ),
          action: t(
            `在${CONTACT_APPS_PATH.zh}中加入 {key} 对应的应用。`,
            `Add the app of {key} under ${CONTACT_APPS_PATH.en}.`,
          ),
          more: t(
            '自 2023-12-01 起，新开通客户联系的企业不能再使用客户联系系统应用的 Secret，请使用加入该列表的自建应用。',
            'Since 2023-12-01, corps new to customer contact can no longer use the system customer-contact secret; use a self-built app from that list.',
          ),
        },
      ],
    },
  ],
  [
    48006,
    {
      category: 'credential',
      meaning: t(
        'API 权限已被收回（应用长期未使用）',
        'API permission revoked (app unused for a long time)',
      ),
      cause: t(
        '该应用长期未使用，企业微信收回了它的接口权限。',
        'The app was unused for a long time and WeCom revoked its API permission.',
      ),
      action: t(`在${APP_PATH.zh}重新启用该应用。`, `Re-enable the app in ${APP_PATH.en}.`),
    },
  ],
  [
    48009,
    {
      category: 'permission',
      meaning: t(
        '通讯录同步的 Secret 不能从新 IP 读取成员/部门详情',
        'The contacts-sync secret cannot read member/department details from a new IP',
      ),
      keyOf: 'directory',
      cause: t(
        `{key}中配置的是${DIRECTORY_SYNC_PATH.zh}的 Secret；自 2022-08-15 起，通讯录同步的 Secret 从新 IP 不能再调用 user/get、user/list、department/list。`,
        `{key} holds the secret of ${DIRECTORY_SYNC_PATH.en} (通讯录同步); since 2022-08-15 that secret can no longer call user/get, user/list or department/list from a new IP.`,
      ),
      action: t(
        `把 {key}换成自建应用的 Secret（在${SELF_BUILT_SECRET_PATH.zh}复制），并让该应用的可见范围覆盖要读取的成员；或只使用 user/list_id 与 department/simplelist（只能得到 ID）。`,
        `Replace {key} with a self-built app's secret (copy it from ${SELF_BUILT_SECRET_PATH.en}) whose visible range covers the members to read; or use only user/list_id and department/simplelist (IDs only).`,
      ),
    },
  ],
  [
    50001,
    {
      category: 'permission',
      meaning: t('redirect_url 未登记为可信域名', 'redirect_url is not a trusted domain'),
      cause: t(
        '网页授权（OAuth2，H5）的回调域名与 token 所属应用的可信域名不完全一致；本系统的小程序登录不走这条路径。',
        "The OAuth2 (H5) redirect host does not exactly match a trusted domain of the token's app; this system's mini-program login does not use this path.",
      ),
      action: t(
        `在${consolePaths.trustedDomain.zh}中填入完全一致的回调域名。`,
        `Enter the exact redirect host at ${consolePaths.trustedDomain.en}.`,
      ),
    },
  ],
  [
    50003,
    {
      category: 'credential',
      meaning: t('应用已停用', 'App disabled'),
      cause: t('该 Secret 所属的应用已被停用。', 'The app that owns this secret is disabled.'),
      action: t(`在${APP_PATH.zh}启用该应用。`, `Enable the app in ${APP_PATH.en}.`),
    },
  ],
  [
    60011,
    {
      category: 'permission',
      meaning: t(
        '无权限操作成员/部门/标签（no privilege to access/modify contact/party/agent）',
        'No privilege on the member/department/tag (no privilege to access/modify contact/party/agent)',
      ),
      cause: t(
        '要访问的成员、部门或标签不在该应用的可见范围内，或应用没有编辑权限。',
        "The member, department or tag is outside the app's visible range, or the app has no edit right.",
      ),
      action: t(
        `在${VISIBLE_PATH.zh}中扩大可见范围，加入相关成员或部门。`,
        `Widen the app's visible range at ${VISIBLE_PATH.en} to include those members or departments.`,
      ),
      variants: [
        {
          when: { api: ['directory'], target: true },
          cause: t(
            '{target}不在 {app} 的可见范围内，通讯录读取不到它。',
            '{target} is outside the visible range of {app}, so the directory cannot be read there.',
          ),
          action: t(
            `在${VISIBLE_PATH.zh}中加入{target}（或它的上级部门）。`,
            `Add {target} (or a department above it) to the visible range at ${VISIBLE_PATH.en}.`,
          ),
        },
        {
          when: { api: ['customer'], target: 'member' },
          cause: t(
            '{target}不在 {app} 的可见范围内：企业微信不向该应用提供其本人的客户和客户群，该成员在小程序中看到 contact.outside_visible_range。',
            '{target} is outside the visible range of {app}: WeCom does not give that app their own customers and customer groups, and the employee sees contact.outside_visible_range in the mini-program.',
          ),
          action: t(
            `在${VISIBLE_PATH.zh}中加入{target}（或其所在部门）。`,
            `Add {target} (or their department) to the visible range at ${VISIBLE_PATH.en}.`,
          ),
        },
      ],
    },
  ],
  [
    60020,
    {
      category: 'permission',
      meaning: t(
        '访问 IP 不在白名单中（not allow to access from your ip）',
        'Untrusted access IP (not allow to access from your ip)',
      ),
      cause: t(
        '服务器的出口 IP 不在该应用的企业可信IP 中（2022-06-20 之后新建的自建应用必须配置）；第三方服务商的 IP（包括部分共享云函数的出口 IP）不能用于自建应用。',
        "The server's egress IP is not in the app's trusted IPs (required for self-built apps created after 2022-06-20); third-party provider IPs (including some shared cloud-function egress IPs) are never accepted for self-built apps.",
      ),
      action: t(
        `在${TRUSTED_IP_PATH.zh}中添加错误信息 from ip 之后的服务器出口 IP。`,
        `Add the server's egress IP shown after "from ip" in the error message at ${TRUSTED_IP_PATH.en}.`,
      ),
      more: t(
        `${TRUSTED_DOMAIN_PREREQ.zh}每台调用 qyapi 的服务器/NAT 出口都要加入（若设置了 WECOM_PROXY，则是代理的出口 IP）。第三方/代开发应用在${PROVIDER_IP_PATH.zh}配置。`,
        `${TRUSTED_DOMAIN_PREREQ.en} Add the egress IP of every server/NAT that calls qyapi (with WECOM_PROXY set, the proxy's egress IP). Third-party/代开发 apps use ${PROVIDER_IP_PATH.en} instead.`,
      ),
      variants: [
        {
          when: { fromIp: true },
          action: t(
            `在${TRUSTED_IP_PATH.zh}中添加 IP {ip}（企业微信看到的本服务器出口 IP）。`,
            `Add IP {ip} (this server's egress IP as WeCom saw it) at ${TRUSTED_IP_PATH.en}.`,
          ),
        },
      ],
    },
  ],
  [
    60111,
    {
      category: 'not_found',
      meaning: t('UserID 不存在', 'UserID does not exist'),
      cause: t(
        '成员不存在、已离职或被删除，或不在应用的可见范围内。',
        "The member does not exist, left or was deleted, or is outside the app's visible range.",
      ),
      action: t(
        `核对该成员是否仍在通讯录中，并确认其在${VISIBLE_PATH.zh}内。`,
        `Check that the member is still in the contact book and inside ${VISIBLE_PATH.en}.`,
      ),
    },
  ],
  [
    60123,
    {
      category: 'not_found',
      meaning: t('无效的部门 ID（invalid party id）', 'Invalid department ID (invalid party id)'),
      cause: t(
        '该部门不存在：已被删除，或 ID 有误。',
        'The department does not exist: it was deleted, or the ID is wrong.',
      ),
      action: t(
        '无需修改配置：组织架构同步会把它记为已删除。',
        'No setting to change: the org sync records it as deleted.',
      ),
    },
  ],
  [
    80001,
    {
      category: 'permission',
      meaning: t('可信域名未备案（ICP）', 'Trusted domain has no ICP filing'),
      cause: t(
        '设置可信域名（配置企业可信IP 的前提）时，该域名没有 ICP 备案；本系统的接口调用不会产生此错误。',
        'While setting a trusted domain (the prerequisite for trusted IPs), the domain has no ICP filing; API calls of this system never cause it.',
      ),
      action: t(
        '使用已完成 ICP 备案的域名作为可信域名。',
        'Use an ICP-filed domain as the trusted domain.',
      ),
      more: t(
        '若企业已认证，域名的备案主体须与企业相关。',
        'If the corp is verified, the domain’s filing subject must be related to the corp.',
      ),
    },
  ],
  [
    81013,
    {
      category: 'not_found',
      meaning: t(
        '成员/部门/标签 ID 全部无效或无权限',
        'All user/department/tag IDs are invalid or unauthorized',
      ),
      cause: t(
        '请求中的成员、部门或标签都已删除，或已移出应用的可见范围。',
        "Every member, department or tag in the request was deleted or moved out of the app's visible range.",
      ),
      action: t(
        `核对这些成员或部门，必要时在${VISIBLE_PATH.zh}中扩大可见范围。`,
        `Check those members or departments; widen ${VISIBLE_PATH.en} if needed.`,
      ),
    },
  ],
  [
    81017,
    {
      category: 'permission',
      meaning: t('单次请求涉及的人数过多', 'Too many users in one request'),
      cause: t(
        '调用 groupchat/list 时没有带 owner_filter，而应用可见范围超过 1000 人。',
        'groupchat/list was called without owner_filter while the app’s visible range has more than 1000 people.',
      ),
      action: t(
        '本系统查询客户群应按群主过滤（owner_filter.userid_list 最多 100 个）；请把日志中的 hint 交给开发者。',
        'This system should filter customer groups by owner (owner_filter.userid_list, at most 100); give the hint from the log to the developers.',
      ),
    },
  ],
  [
    84061,
    {
      category: 'not_found',
      meaning: t('不存在外部联系人的关系', 'No external-contact relationship'),
      cause: t(
        '成员已删除该客户（若只是客户删除了成员，关系仍然存在），或双方没有真实的好友关系。',
        'The member deleted the customer (if only the customer deleted the member, the relationship remains), or there is no real friendship.',
      ),
      action: t(
        '无需处理：该客户不是该成员的客户。',
        "Nothing to fix: this customer is not that member's customer.",
      ),
    },
  ],
  [
    84074,
    {
      category: 'permission',
      meaning: t('没有外部联系人权限', 'No external-contact permission'),
      cause: t(
        '应用或成员没有客户联系权限：应用未加入可调用接口的应用，或成员未配置客户联系功能。',
        'The app or the member lacks customer-contact permission: the app is not among the apps that can call the API, or the member is not configured for customer contact.',
      ),
      action: t(
        `在${CONTACT_APPS_PATH.zh}中加入该应用，并在${CONTACT_MEMBERS_PATH.zh}中为该成员开通客户联系功能（配置了客户联系的成员须在应用的可见范围内）。`,
        `Add the app under ${CONTACT_APPS_PATH.en} and configure the member for customer contact under ${CONTACT_MEMBERS_PATH.en} (members with customer contact must be in the app's visible range).`,
      ),
    },
  ],
  [
    85005,
    {
      category: 'permission',
      meaning: t('可信域名归属验证未通过', 'Trusted domain ownership not verified'),
      cause: t(
        '设置可信域名（配置企业可信IP 的前提）时，没有完成域名归属验证；本系统的接口调用不会产生此错误。',
        'While setting a trusted domain (the prerequisite for trusted IPs), domain ownership was not verified; API calls of this system never cause it.',
      ),
      action: t(
        '按管理后台提示把校验文件上传到该域名，再保存可信域名。',
        'Upload the verification file the console offers to that domain, then save the trusted domain.',
      ),
    },
  ],
  [
    85111,
    {
      category: 'permission',
      meaning: t(
        '可信域名不能是第三方服务商的域名',
        'Trusted domain must not be a third-party provider’s domain',
      ),
      cause: t(
        '设置可信域名（配置企业可信IP 的前提）时，填写了第三方服务商的域名；本系统的接口调用不会产生此错误。',
        "While setting a trusted domain (the prerequisite for trusted IPs), a third-party provider's domain was entered; API calls of this system never cause it.",
      ),
      action: t('改用本企业自己的域名。', "Use the corp's own domain."),
    },
  ],
  [86001, invalidChatId],
  [
    90206,
    {
      category: 'permission',
      meaning: t('小程序未关联到企业', 'Mini-program not associated with the corp'),
      cause: t(
        '发出登录 code 的小程序没有关联到本企业。',
        'The mini-program that issued the login code is not associated with this corp.',
      ),
      action: t(
        '在管理后台「应用管理」中把小程序关联到本企业，并把关联后应用的 Secret 填入 WECOM_APP_SECRET。',
        'Associate the mini-program with this corp in the admin console ("App Management"), then put that app’s secret into WECOM_APP_SECRET.',
      ),
    },
  ],
  [
    90501,
    {
      category: 'not_found',
      meaning: t('不是客户群', 'Not a customer group'),
      cause: t('该 chat_id 对应的不是客户群。', 'That chat_id is not a customer group.'),
      action: t('无需修改配置。', 'No setting to change.'),
    },
  ],
  [
    92002,
    {
      category: 'permission',
      meaning: t(
        '不允许跨企业调用（not allow to cross corp）',
        'Cross-corp call not allowed (not allow to cross corp)',
      ),
      cause: t(
        '小程序关联了多个企业，该员工属于另一个企业，而 token 来自 WECOM_CORP_ID 所在的企业。',
        'The mini-program is associated with several corps; the employee belongs to another corp than the one in WECOM_CORP_ID, whose token was used.',
      ),
      action: t(
        '用 WECOM_CORPS_FILE 列出关联了小程序的每个企业（见 docs/corps.md）：服务器会让员工在自己的企业重新登录（auth.corp_switch），每次调用都用该企业的凭证。',
        'List every corp associated with the mini-program in WECOM_CORPS_FILE (docs/corps.md): the server then has the employee log in again at their own corp (auth.corp_switch), and every call uses that corp’s credentials.',
      ),
    },
  ],
  [
    701008,
    {
      category: 'permission',
      meaning: t(
        '没有有效的互通账号（接口许可）',
        'No user with a valid interworking (互通) license',
      ),
      cause: t(
        '第三方/代开发应用为未激活互通账号的成员调用了客户联系接口；自建应用不会出现。',
        'A third-party/代开发 app called customer APIs for a member without an activated 互通 license; self-built apps never get it.',
      ),
      action: t(
        '仅第三方/代开发应用：由服务商在服务商管理后台「接口许可」为该成员购买并激活互通账号；该企业体检的 licence 一项显示已激活的成员数。自建应用无需处理。',
        'Third-party/代开发 apps only: the provider buys an interworking (互通) account in the provider admin’s 接口许可 and activates it for the member; the corp’s doctor check `licence` shows how many members have one. Nothing to do for a self-built app.',
      ),
    },
  ],
  [
    301002,
    {
      category: 'permission',
      meaning: t(
        '不能用此 access_token 操作其他应用（not allow operate another agent with this accesstoken）',
        'This access token cannot act on another app (not allow operate another agent with this accesstoken)',
      ),
      cause: t(
        'WECOM_APP_AGENT_ID 不是 WECOM_APP_SECRET 所属应用的 AgentId：一个应用的 access_token 只能读取它自己的应用。',
        'WECOM_APP_AGENT_ID is not the AgentId of the app that WECOM_APP_SECRET belongs to: an app’s access token can only read that app.',
      ),
      action: t(
        `把 WECOM_APP_AGENT_ID 改为${APP_PATH.zh}页面上显示的 AgentId（即 WECOM_APP_SECRET 所属的应用）。`,
        `Set WECOM_APP_AGENT_ID to the AgentId shown at ${APP_PATH.en} (the app that WECOM_APP_SECRET belongs to).`,
      ),
    },
  ],
];

/** Every catalogued errcode (0 is not an error and is not here). */
export const catalogue: ReadonlyMap<number, CatalogueEntry> = new Map(entries);

/** For a code outside the catalogue: never retried, surfaced as a request problem. */
export const uncatalogued: CatalogueEntry = {
  category: 'request',
  meaning: t('本目录未收录的错误码', 'Not in this catalogue'),
  cause: t('未知；请查看日志中的 errmsg 和 hint。', 'Unknown; see the errmsg and hint in the log.'),
  action: t('在 {link} 查询该错误码的官方说明。', 'Look the code up at {link}.'),
  more: t(
    '需要企业微信技术支持时，请提供日志中的 hint（请求追踪 ID）。',
    'When asking WeCom support, give them the hint (request trace id) from the log.',
  ),
};

/** The configuration key of each credential's secret. */
export const secretKeys: Readonly<Record<CredentialName, string>> = {
  app: 'WECOM_APP_SECRET',
  contact: 'WECOM_CONTACT_SECRET',
  directory: 'WECOM_DIRECTORY_SECRET',
};

/** How `{key}` reads: the contact and directory keys fall back to WECOM_APP_SECRET when unset. */
export const keyTexts: Readonly<Record<CredentialName, Bilingual>> = {
  app: t('WECOM_APP_SECRET', 'WECOM_APP_SECRET'),
  contact: t(
    'WECOM_CONTACT_SECRET（未设置时为 WECOM_APP_SECRET）',
    'WECOM_CONTACT_SECRET (WECOM_APP_SECRET when unset)',
  ),
  directory: t(
    'WECOM_DIRECTORY_SECRET（未设置时为 WECOM_APP_SECRET）',
    'WECOM_DIRECTORY_SECRET (WECOM_APP_SECRET when unset)',
  ),
};

/** How `{target}` reads: the department or member a directory call was about. */
export const targetTexts = {
  department: t('部门 {id}', 'department {id}'),
  namedDepartment: t('部门「{name}」（ID {id}）', 'department "{name}" (ID {id})'),
  member: t('成员 {id}', 'member {id}'),
} as const;

/** How `{app}` reads, from the most to the least that is known about the app. */
export const appTexts = {
  named: t('{name}（AgentId {agentId}）', '{name} (AgentId {agentId})'),
  agentId: t('<AgentId {agentId} 的应用>', '<the app with AgentId {agentId}>'),
  ofKey: t('<{secretKey} 对应的应用>', '<the app of {secretKey}>'),
  unknown: t('<应用>', '<app>'),
} as const;

/** Added to the cause of a configuration refusal whose text does not name the key used. */
export const usedKeyText = t(
  '本次调用使用的是 {key} 对应的应用。',
  'This call used the app of {key}.',
);
