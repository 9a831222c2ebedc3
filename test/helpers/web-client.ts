import { recordResponse } from './leak-check';

/**
 * A browser as far as the web login needs one: a cookie jar per origin (what Set-Cookie said, as
 * `name=value`), redirects not followed (tests look at each hop), a user agent. Every answer is
 * recorded for the leak check.
 */

export const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
export const WECOM_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.28 MicroMessenger/7.0.1 Language/zh ColorScheme/Light';

export interface WebAnswer {
  status: number;
  headers: Headers;
  text: string;
  location?: string;
  /** Raw Set-Cookie lines. */
  setCookies: string[];
}

export class WebClient {
  /** origin → name → value */
  readonly jar = new Map<string, Map<string, string>>();

  constructor(readonly userAgent = CHROME_UA) {}

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(origin, cookies);
  }

  async request(
    method: string,
    url: string,
    options: {
      headers?: Record<string, string>;
      /** Sent as JSON. */
      body?: unknown;
      /** Sent as is (with its own `content-type` header), e.g. a form. */
      rawBody?: string;
    } = {},
  ): Promise<WebAnswer> {
    const { origin } = new URL(url);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...options.headers };
    const cookies = [...(this.jar.get(origin) ?? new Map())].map(([k, v]) => `${k}=${v}`);
    if (cookies.length > 0) headers.cookie = cookies.join('; ');
    let body = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    recordResponse(`${method} ${url} → ${response.status}`, response.headers, text);
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const jar = this.jar.get(origin) ?? new Map<string, string>();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
      this.jar.set(origin, jar);
    }
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      headers: response.headers,
      text,
      location: location === undefined ? undefined : new URL(location, url).toString(),
      setCookies,
    };
  }

  get(url: string, headers?: Record<string, string>): Promise<WebAnswer> {
    return this.request('GET', url, { headers });
  }
}

/** The link the simulator's login page offers for a pick (`user:<userid>`, outsider, cancel). */
export function pickLink(
  page: WebAnswer,
  pick: { userid: string } | 'outsider' | 'cancel',
): string {
  const attribute =
    typeof pick === 'string' ? `data-choice="${pick}"` : `data-userid="${pick.userid}"`;
  const match = new RegExp(`${attribute} href="([^"]+)"`).exec(page.text);
  if (!match) throw new Error(`no ${attribute} on the login page: ${page.text.slice(0, 500)}`);
  return match[1]!.replaceAll('&amp;', '&');
}

/**
 * The whole web login through the simulator's page: start at the gateway, pick on WeCom's page,
 * come back to the callback. Answers every hop; `callback` is the gateway's final answer.
 */
export async function webLogin(
  client: WebClient,
  gatewayUrl: string,
  pick: { userid: string } | 'outsider' | 'cancel',
  returnTo?: string,
): Promise<{ start: WebAnswer; page: WebAnswer; approve: WebAnswer; callback: WebAnswer }> {
  const query = returnTo === undefined ? '' : `?${new URLSearchParams({ returnTo })}`;
  const start = await client.get(`${gatewayUrl}/auth/wecom/login${query}`);
  if (start.status !== 302 || !start.location) throw new Error(`login start: ${start.status}`);
  const page = await client.get(start.location);
  const approve = await client.get(new URL(pickLink(page, pick), start.location).toString());
  if (approve.status !== 302 || !approve.location) throw new Error(`approve: ${approve.status}`);
  const callback = await client.get(approve.location);
  return { start, page, approve, callback };
}
