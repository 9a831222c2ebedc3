// The one registry of error codes. Per code: the HTTP status, the answer's default message in
// English, and what a person reads in Chinese on each surface. The server answers from it, serves
// the admin console its texts from it, and the mini-program shows its texts from it. Plain data:
// this file imports nothing, calls no wx and no Node API, so the mini-program can ship it as it is
// and the server can compile it beside its own code.

/** The surfaces that show an error to a person, each with its own Chinese text. */
interface ErrorTexts {
  /** The mini-program: an employee, short, saying what to do. */
  readonly miniProgram: string;
  /** An error page in a browser: the web login and the admin console's sign-in. */
  readonly page: string;
  /** The admin console after a failed call (the server's English message follows it). */
  readonly adminConsole: string;
}

interface ErrorRow {
  readonly status: number;
  /** The answer's `message` unless the server gives a more precise one. */
  readonly message: string;
  readonly zh: ErrorTexts;
}

/** Texts shared by several rows. */
const SESSION_ENDED = '登录已过期，请重新打开';
const RETRY_LATER = '服务暂时不可用，请稍后重试';
/** A page's and the admin console's text where a code has nothing more precise to say there. */
const PAGE_GENERIC = '出错了，请稍后再试。';
const CONSOLE_GENERIC = '请求失败。';

const rows = {
  'guard.invalid_input': {
    status: 400,
    message: 'The request is not valid.',
    zh: {
      miniProgram: '请求参数有误，请重新打开后再试',
      page: '请求参数不正确：登录后只能跳转到本站的页面。',
      adminConsole: '输入有误。',
    },
  },
  'request.too_large': {
    status: 413,
    message: 'The request body is larger than 16 KiB.',
    zh: {
      miniProgram: '选择的内容过多，请减少后重试',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'request.unsupported_encoding': {
    status: 415,
    message:
      'The Content-Encoding of the request body is not supported (identity, gzip, deflate, br).',
    zh: {
      miniProgram: '请求格式有误，请更新小程序',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'request.not_found': {
    status: 404,
    message: 'No such route.',
    zh: {
      miniProgram: '功能暂不可用，请更新小程序',
      page: '页面不存在。',
      adminConsole: '此服务器没有这个接口（可能尚未升级）。',
    },
  },
  'request.rate_limited': {
    status: 429,
    message: 'Too many requests; try again later.',
    zh: {
      miniProgram: '操作太频繁，请稍后再试',
      page: '登录尝试过于频繁，请稍后再试。',
      adminConsole: '操作太频繁，请稍后再试。',
    },
  },
  'request.busy': {
    status: 503,
    message: 'Another request holds a lock this one needs; try again in a moment.',
    zh: {
      miniProgram: RETRY_LATER,
      page: '服务繁忙，请稍后再试。',
      adminConsole: '另一个操作正在进行，请稍后再试。',
    },
  },
  'auth.unauthenticated': {
    status: 401,
    message: 'A valid bearer token is required.',
    zh: {
      miniProgram: SESSION_ENDED,
      page: 'ADMIN_TOKEN 不正确。请重新输入。',
      adminConsole: '尚未登录。',
    },
  },
  'auth.session_expired': {
    status: 401,
    message: 'The session has ended; log in again.',
    zh: {
      miniProgram: SESSION_ENDED,
      page: PAGE_GENERIC,
      adminConsole: '登录已过期，请重新登录。',
    },
  },
  'auth.invalid_code': {
    status: 401,
    message: 'The login code was refused by WeCom or already used; call wx.qy.login again.',
    zh: {
      miniProgram: '登录失败，请重新打开小程序',
      page: '企业微信没有确认这次登录（已取消、已过期或已被使用）。请重新登录。',
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'auth.corp_mismatch': {
    status: 403,
    message: 'This user belongs to another WeCom corp.',
    zh: {
      miniProgram: '当前企业未开通此应用，请联系管理员',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'auth.corp_switch': {
    status: 409,
    message:
      'This employee belongs to another corp this deployment serves: call wx.qy.login again and log in at /corps/{corpId}/api/sessions (data.corpId).',
    zh: {
      miniProgram: '正在切换到你所在的企业，请重新打开小程序',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'corp.unknown': {
    status: 404,
    message: 'This deployment does not serve that WeCom corp.',
    zh: {
      miniProgram: '当前企业未开通此应用，请联系管理员',
      page: '此服务没有为该企业开通（企业ID不在 WECOM_CORPS_FILE 中）。',
      adminConsole:
        '未找到该企业：WECOM_CORPS_FILE 中没有这个企业ID。(This corp ID is not in WECOM_CORPS_FILE.)',
    },
  },
  'auth.forbidden': {
    status: 403,
    message: 'This needs an admin.',
    zh: {
      miniProgram: '你没有权限进行此操作',
      page: '请求被拒绝：请从本站的登录页提交。',
      adminConsole: '没有权限：当前账号不是管理员。',
    },
  },
  'contact.not_followed': {
    status: 403,
    message: 'This customer is not yours.',
    zh: {
      miniProgram: '该客户不是你的客户',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'contact.not_found': {
    status: 404,
    message: 'No such customer.',
    zh: {
      miniProgram: '客户不存在或已被删除',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'contact.outside_visible_range': {
    status: 403,
    message:
      "You are outside this app's visible range in WeCom, so it cannot list your customers or customer groups. Ask an admin to add you to the app's visible range (可见范围).",
    zh: {
      miniProgram:
        '你不在本应用的可见范围内，暂时看不到客户和客户群。请联系管理员把你加入应用的可见范围',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'groupchat.not_member': {
    status: 403,
    message: 'You neither own nor belong to this customer group.',
    zh: {
      miniProgram: '你不在该客户群中',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'groupchat.not_found': {
    status: 404,
    message: 'No such customer group.',
    zh: {
      miniProgram: '客户群不存在或已解散',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'wecom.rejected': {
    status: 502,
    message: 'WeCom refused the call; an admin must fix the configuration.',
    zh: {
      miniProgram: '企业微信接口调用失败，请联系管理员',
      page: '企业微信拒绝了这次登录：应用的配置或权限有误，重试也不会成功。',
      adminConsole: '企业微信拒绝了调用。',
    },
  },
  'wecom.unavailable': {
    status: 503,
    message: 'WeCom is busy or unreachable; try again later.',
    zh: {
      miniProgram: '企业微信繁忙，请稍后重试',
      page: '企业微信暂时无法访问，请稍后再试。',
      adminConsole: '企业微信暂时无法访问，请稍后再试。',
    },
  },
  'store.unavailable': {
    status: 503,
    message: 'The session store is unreachable.',
    zh: {
      miniProgram: RETRY_LATER,
      page: '服务暂时不可用，请稍后再试。',
      adminConsole: '存储（Redis）暂时无法访问。',
    },
  },
  'org.sync_running': {
    status: 409,
    message: 'A full org sync is already running; see GET /api/admin/org/sync.',
    zh: {
      miniProgram: '组织架构正在同步，请稍后再试',
      page: PAGE_GENERIC,
      adminConsole: '已有一次同步正在进行。',
    },
  },
  'feed.expired': {
    status: 410,
    message:
      'The feed no longer keeps the records after `after` (retention): read the snapshot, then follow from `data.next`.',
    zh: {
      miniProgram: '记录已过期，请刷新后重试',
      page: PAGE_GENERIC,
      adminConsole: '该位置之后的记录已超过保留期限，请从头查看。',
    },
  },
  'auth.invalid_state': {
    status: 400,
    message:
      "The login state is missing, unknown, expired or not this browser's; start the login again.",
    zh: {
      miniProgram: '登录已失效，请重新登录',
      page: '登录链接已失效、已被使用，或不是在这个浏览器中发起的。请重新登录。',
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'auth.not_member': {
    status: 403,
    message: 'WeCom answered for someone who is not a member of this corp.',
    zh: {
      miniProgram: '你不是本企业成员，无法使用',
      page: '企业微信返回的账号不是本企业的成员，无法登录。',
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'jssdk.url_not_allowed': {
    status: 400,
    message:
      'Only URLs under PUBLIC_BASE_URL (its origin and path prefix, no user info) are signed.',
    zh: {
      miniProgram: '页面地址未登记，请联系管理员',
      page: PAGE_GENERIC,
      adminConsole: CONSOLE_GENERIC,
    },
  },
  'webhook.not_found': {
    status: 404,
    message: 'No such webhook endpoint (or no such delivery of it).',
    zh: {
      miniProgram: RETRY_LATER,
      page: PAGE_GENERIC,
      adminConsole: '没有这个 Webhook 端点（或该端点没有这次投递）。',
    },
  },
  'webhook.url_not_allowed': {
    status: 400,
    message:
      'A webhook URL must be https and must not reach a loopback, private, link-local, CGNAT, multicast or cloud metadata address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows private networks).',
    zh: {
      miniProgram: RETRY_LATER,
      page: PAGE_GENERIC,
      adminConsole:
        'Webhook 地址必须是 https，且不能指向本机、内网、链路本地、运营商级 NAT、组播或云服务器元数据地址（如确需推送到内网，设置 WEBHOOK_ALLOW_PRIVATE_NETWORKS=true）。',
    },
  },
  'webhook.limit_reached': {
    status: 409,
    message: 'At most 100 webhook endpoints: delete one before adding another.',
    zh: {
      miniProgram: RETRY_LATER,
      page: PAGE_GENERIC,
      adminConsole: 'Webhook 端点已达上限（100 个），请先删除不用的端点再添加。',
    },
  },
  'internal.unknown': {
    status: 500,
    message: 'Something went wrong on our side.',
    zh: { miniProgram: RETRY_LATER, page: PAGE_GENERIC, adminConsole: CONSOLE_GENERIC },
  },
} satisfies Record<string, ErrorRow>;

/** Every error code an answer can carry: the registry's keys. */
export type ErrorCode = keyof typeof rows;

export const errorCodes: Readonly<Record<ErrorCode, ErrorRow>> = rows;

const CODES: ReadonlySet<string> = new Set(Object.keys(errorCodes));

/** Whether a string someone sent is one of the registry's codes. */
export function isErrorCode(value: string): value is ErrorCode {
  return CODES.has(value);
}

/** One surface's Chinese text for every code. */
export function errorTexts(surface: keyof ErrorTexts): Record<ErrorCode, string> {
  const texts = {} as Record<ErrorCode, string>;
  for (const code of Object.keys(errorCodes) as ErrorCode[]) {
    texts[code] = errorCodes[code].zh[surface];
  }
  return texts;
}
