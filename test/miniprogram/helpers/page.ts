import path from 'node:path';
import simulate from 'miniprogram-simulate';
import type { PageName } from '../../../miniprogram/services/nav';
import type { Platform } from '../../../miniprogram/services/platform';

export const MP_ROOT = path.resolve(__dirname, '../../../miniprogram');

type Rendered = ReturnType<typeof simulate.render>;

/** The class each page gives the custom components it uses (see miniprogram/components). */
const COMPONENT_HOSTS = ['.page-state', '.chat-sender'];

export interface MountedPage {
  page: Rendered;
  /** The page's onLoad promise (resolves when its first load settled). */
  loaded: Promise<void>;
  /** A page method, called as the framework would (onPullDownRefresh, onReachBottom, …). */
  call(method: string, ...args: unknown[]): Promise<void>;
  /** Trimmed text of the first element matching `selector`, or undefined. */
  text(selector: string): string | undefined;
  all(selector: string): string[];
  has(selector: string): boolean;
  tap(selector: string): Promise<void>;
  /** Types into an input or textarea (its `input` event with `detail.value`). */
  input(selector: string, value: string): Promise<void>;
}

/** Every mount registers its page under a new tag: simulate refuses a tag it already has. */
let mounts = 0;

interface MountOptions {
  /**
   * Launch the app (app.ts) first, as opening the mini-program does; default true. False keeps
   * the running app and its services, as navigating to another page does (each page once per
   * launch).
   */
  launch?: boolean;
}

/**
 * Boots the real app.ts against `fake.wx` (so getApp().services are the real services wired to the
 * fake), then mounts the real page (ts + wxml) and calls onLoad(query).
 */
export function mountPage(
  name: PageName,
  fake: { wx: Platform },
  query: Record<string, string> = {},
  options: MountOptions = {},
): MountedPage {
  if (options.launch !== false) {
    jest.resetModules();
    Object.assign(globalThis, { wx: fake.wx });
    require(path.join(MP_ROOT, 'app'));
  }
  mounts += 1;
  const id = simulate.load(path.join(MP_ROOT, 'pages', name, 'index'), `page-${name}-${mounts}`, {
    rootPath: MP_ROOT,
  });
  const page = simulate.render(id);
  if (page === undefined) {
    // jest keeps the page module from the earlier mount, so its Component() does not run again.
    throw new Error(`pages/${name} is already mounted in this app: mount it with launch: true`);
  }
  page.attach(document.createElement('parent-wrapper'));
  const instance = page.instance as unknown as Record<string, (...args: unknown[]) => unknown>;
  const call = async (method: string, ...args: unknown[]) => {
    await instance[method]!(...args);
  };
  // The page's own nodes, then those inside its components (their shadow trees).
  const nodes = (selector: string) => [
    ...page.querySelectorAll(selector),
    ...COMPONENT_HOSTS.flatMap((host) => page.querySelectorAll(`${host} >>> ${selector}`)),
  ];
  const first = (selector: string) => {
    const node = nodes(selector)[0];
    if (!node) throw new Error(`nothing matches ${selector}`);
    return node;
  };
  return {
    page,
    loaded: call('onLoad', query),
    call,
    text: (selector) => nodes(selector)[0]?.dom?.textContent?.trim(),
    all: (selector) => nodes(selector).map((node) => node.dom?.textContent?.trim() ?? ''),
    has: (selector) => nodes(selector).length > 0,
    async tap(selector) {
      first(selector).dispatchEvent('tap');
      await simulate.sleep(0);
    },
    async input(selector, value) {
      first(selector).dispatchEvent('input', { detail: { value } });
      await simulate.sleep(0);
    },
  };
}

/** Where the last navigateTo / redirectTo / reLaunch went: the page and its query. */
export function lastNavigation(fake: Pick<Platform, 'navigateTo' | 'redirectTo' | 'reLaunch'>): {
  page: PageName;
  query: Record<string, string>;
} {
  const calls = ['navigateTo', 'redirectTo', 'reLaunch'].flatMap((method) => {
    const mock = (fake as unknown as Record<string, jest.Mock>)[method]!;
    return mock.mock.calls.map((args, i) => ({
      order: mock.mock.invocationCallOrder[i]!,
      url: (args[0] as { url: string }).url,
    }));
  });
  const last = calls.sort((a, b) => b.order - a.order)[0];
  if (!last) throw new Error('the page did not navigate');
  const [pathname = '', search = ''] = last.url.split('?');
  const match = /^\/pages\/([^/]+)\/index$/.exec(pathname);
  if (!match) throw new Error(`not a page url: ${last.url}`);
  // Values stay percent-encoded: the framework hands them to onLoad as they are in the URL.
  const query = Object.fromEntries(
    search
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { page: match[1] as PageName, query };
}
