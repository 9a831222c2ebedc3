import type { Platform } from '../../miniprogram/services';

/** What the WeCom client would answer to wx.qy in the chat the test (or bench) opens from. */
export interface NodeWxContext {
  userid: string;
  entry: WechatMiniprogram.Qy.Entry;
  picked: string[];
  chatId: string;
  contactId: string;
  /** getCurExternalContact / getCurExternalChat fail this many more times (a client that refuses). */
  refuseCurrent?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A `wx` for Node, for the mini-program's real services against a running server: `request` is
 * real HTTP (each counted in `requests`, after `rttMs` of client round trip), storage is a Map,
 * and `wx.qy.login` asks the sandbox for a login code as WeCom would give one (not counted).
 */
export function nodeWx(
  baseUrl: string,
  context: NodeWxContext,
  options: {
    rttMs?: number;
    /** Where wx.qy.login's codes come from (default: the sandbox server's /sandbox/login-code). */
    loginCode?: () => Promise<string>;
  } = {},
) {
  const rttMs = options.rttMs ?? 0;
  const storage = new Map<string, string>();
  /** "METHOD /path" of every request to the server, in order. */
  const requests: string[] = [];
  const ok = { errMsg: 'ok' };
  const refused = (api: string) => {
    if ((context.refuseCurrent ?? 0) <= 0) return undefined;
    context.refuseCurrent! -= 1;
    return { errMsg: `qy.${api}:fail without context of external contact` };
  };
  let logins = 0;
  const qy = {
    login(option: WechatMiniprogram.Qy.LoginOption) {
      logins += 1;
      const code =
        options.loginCode?.() ??
        fetch(`${baseUrl}/sandbox/login-code`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userid: context.userid }),
        })
          .then((response) => response.json() as Promise<{ code: string }>)
          .then((answer) => answer.code);
      code
        .then((issued) => option.success?.({ ...ok, code: issued }))
        .catch(() => option.fail?.({ errMsg: 'qy.login:fail' }));
    },
    checkSession: (option: WechatMiniprogram.Qy.CheckSessionOption) => option.success?.(ok),
    getContext: (option: WechatMiniprogram.Qy.GetContextOption) =>
      option.success?.({ ...ok, entry: context.entry }),
    selectExternalContact: (option: WechatMiniprogram.Qy.SelectExternalContactOption) =>
      option.success?.({ ...ok, userIds: context.picked }),
    getCurExternalContact(option: WechatMiniprogram.Qy.GetCurExternalContactOption) {
      const refusal = refused('getCurExternalContact');
      if (refusal) option.fail?.(refusal);
      else option.success?.({ ...ok, userId: context.contactId });
    },
    getCurExternalChat(option: WechatMiniprogram.Qy.GetCurExternalChatOption) {
      const refusal = refused('getCurExternalChat');
      if (refusal) option.fail?.(refusal);
      else option.success?.({ ...ok, chatId: context.chatId });
    },
  };
  const wx = {
    request(option) {
      requests.push(`${option.method} ${new URL(option.url).pathname}`);
      const isBody = option.method !== 'GET' && option.data !== undefined;
      // Half the client round trip on the way there, half on the way back.
      sleep(rttMs / 2)
        .then(() =>
          fetch(option.url, {
            method: option.method,
            headers: option.header,
            body: isBody ? JSON.stringify(option.data) : undefined,
            signal: AbortSignal.timeout(option.timeout),
          }),
        )
        .then(async (response) => {
          const text = await response.text();
          await sleep(rttMs / 2);
          option.success({ statusCode: response.status, data: text ? JSON.parse(text) : '' });
        })
        .catch((error: Error) => option.fail({ errMsg: `request:fail ${error.message}` }));
    },
    getSystemInfoSync: () => ({ environment: 'wxwork' }),
    // A release build: the login is wx.qy.login's, never the demo login.
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx-e2e', envVersion: 'release' } }),
    getStorageSync: (key) => storage.get(key) ?? '',
    setStorageSync: (key, value) => void storage.set(key, value),
    removeStorageSync: (key) => void storage.delete(key),
    navigateTo: () => undefined,
    redirectTo: () => undefined,
    reLaunch: () => undefined,
    stopPullDownRefresh: () => undefined,
    qy: qy as unknown as WechatMiniprogram.Qy.Qy,
  } satisfies Platform;
  return { wx, storage, requests, logins: () => logins };
}
