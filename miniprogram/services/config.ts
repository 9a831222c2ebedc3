// The one place that names the server. 127.0.0.1 works in the developer tools with
// 详情 → 本地设置 → 不校验合法域名; for a real device set the HTTPS request domain that is
// registered in the mini-program's admin console (see README).
export const config = {
  baseUrl: 'http://127.0.0.1:3000',
  requestTimeoutMs: 10000,
  loginTimeoutMs: 10000,
} as const;
