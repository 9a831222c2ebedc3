// A `wx` for the tests: the edge we mock. wx.request answers from the fake server, wx.qy.* answer
// like WeCom, storage is a Map. Everything is a jest.fn so tests can count and reshape calls.
import type { Platform } from '../../../miniprogram/services/platform';
import { createFakeServer, type FakeServerData } from './fake-server';
import { mockServerData } from './fixtures';

type Qy = Required<WechatMiniprogram.Qy.Qy>;
type Entry = WechatMiniprogram.Qy.Entry;

export const FAKE_APPID = 'wx-fake-appid';

export interface FakeWxOptions {
  /** SystemInfo.environment; default 'wxwork'. `undefined` means plain WeChat (no wx.qy). */
  environment?: string | undefined;
  entry?: Entry;
  data?: FakeServerData;
  /** The build (getAccountInfoSync().miniProgram.envVersion); default 'develop'. */
  envVersion?: 'develop' | 'trial' | 'release';
}

const later = (run: () => void) => {
  setTimeout(run, 0);
};

export function createFakeWx(options: FakeWxOptions = {}) {
  const environment = 'environment' in options ? options.environment : 'wxwork';
  const server = createFakeServer(options.data ?? mockServerData());
  const storage = new Map<string, string>();
  const context = {
    entry: options.entry ?? ('normal' as Entry),
    /** What the employee picks in selectExternalContact. */
    selection: [] as string[],
    currentContact: 'wm-li',
    currentChat: 'wr-group',
    /** Whether WeCom still holds a session_key (checkSession). */
    sessionValid: false,
    /** The employee's own contact data behind getMobile / getEmail. */
    mobile: '13800000000',
    email: 'zhangsan@example.com',
  };

  const qy = {
    login: jest.fn<void, Parameters<Qy['login']>>((o) =>
      later(() => {
        context.sessionValid = true;
        o.success?.({ errMsg: 'qy.login:ok', code: server.issueCode() });
      }),
    ),
    checkSession: jest.fn<void, Parameters<Qy['checkSession']>>((o) =>
      later(() =>
        context.sessionValid
          ? o.success?.({ errMsg: 'qy.checkSession:ok' })
          : o.fail?.({ errMsg: 'qy.checkSession:fail session expired' }),
      ),
    ),
    getContext: jest.fn<void, Parameters<Qy['getContext']>>((o) =>
      later(() => o.success?.({ errMsg: 'qy.getContext:ok', entry: context.entry })),
    ),
    selectExternalContact: jest.fn<void, Parameters<Qy['selectExternalContact']>>((o) =>
      later(() =>
        o.success?.({ errMsg: 'qy.selectExternalContact:ok', userIds: context.selection }),
      ),
    ),
    getCurExternalContact: jest.fn<void, Parameters<Qy['getCurExternalContact']>>((o) =>
      later(() =>
        o.success?.({ errMsg: 'qy.getCurExternalContact:ok', userId: context.currentContact }),
      ),
    ),
    getCurExternalChat: jest.fn<void, Parameters<Qy['getCurExternalChat']>>((o) =>
      later(() => o.success?.({ errMsg: 'qy.getCurExternalChat:ok', chatId: context.currentChat })),
    ),
    // The fake server "decrypts" base64 JSON, so this is what the employee's data looks like.
    getMobile: jest.fn<void, Parameters<Qy['getMobile']>>((o) =>
      later(() =>
        o.success?.({ errMsg: 'qy.getMobile:ok', ...fakeEncrypted({ mobile: context.mobile }) }),
      ),
    ),
    getEmail: jest.fn<void, Parameters<Qy['getEmail']>>((o) =>
      later(() =>
        o.success?.({ errMsg: 'qy.getEmail:ok', ...fakeEncrypted({ email: context.email }) }),
      ),
    ),
    sendChatMessage: jest.fn<void, Parameters<Qy['sendChatMessage']>>((o) =>
      later(() => o.success?.({ errMsg: 'qy.sendChatMessage:ok' })),
    ),
  };

  const wx = {
    request: jest.fn<void, Parameters<Platform['request']>>((option) => server.handle(option)),
    getSystemInfoSync: jest.fn(() => (environment === undefined ? {} : { environment })),
    getAccountInfoSync: jest.fn(() => ({
      miniProgram: { appId: FAKE_APPID, envVersion: options.envVersion ?? 'develop' },
    })),
    getStorageSync: jest.fn((key: string) => storage.get(key) ?? ''),
    setStorageSync: jest.fn((key: string, value: string) => {
      storage.set(key, value);
    }),
    removeStorageSync: jest.fn((key: string) => {
      storage.delete(key);
    }),
    navigateTo: jest.fn<void, Parameters<Platform['navigateTo']>>(),
    redirectTo: jest.fn<void, Parameters<Platform['redirectTo']>>(),
    reLaunch: jest.fn<void, Parameters<Platform['reLaunch']>>(),
    stopPullDownRefresh: jest.fn(),
    qy: environment === 'wxwork' ? qy : undefined,
  } satisfies Platform;

  return { wx, qy, server, storage, context };
}

export type FakeWx = ReturnType<typeof createFakeWx>;

/** What the fake server's POST /api/me/decrypt turns back into `payload`. */
function fakeEncrypted(payload: Record<string, unknown>) {
  return {
    encryptedData: btoa(JSON.stringify(payload)),
    iv: 'ZmFrZS1pdi0xMjM0NTY3OA==',
  };
}

/** Lets every pending fake answer (setTimeout 0 chains) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** "METHOD /path" of every wx.request so far, in order. */
export function requestedPaths(fake: FakeWx): string[] {
  return fake.wx.request.mock.calls.map(([o]) => `${o.method} ${new URL(o.url).pathname}`);
}
