import path from 'node:path';
import simulate from 'miniprogram-simulate';
import type { PageName } from '../../../miniprogram/services/nav';
import type { FakeWx } from './fake-wx';

export const MP_ROOT = path.resolve(__dirname, '../../../miniprogram');

type Rendered = ReturnType<typeof simulate.render>;

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
}

/**
 * Boots the real app.ts against `fake.wx` (so getApp().services are the real services wired to the
 * fake), then mounts the real page (ts + wxml) and calls onLoad(query).
 */
export function mountPage(
  name: PageName,
  fake: FakeWx,
  query: Record<string, string> = {},
): MountedPage {
  jest.resetModules();
  Object.assign(globalThis, { wx: fake.wx });
  require(path.join(MP_ROOT, 'app'));
  const id = simulate.load(path.join(MP_ROOT, 'pages', name, 'index'), `page-${name}`, {
    rootPath: MP_ROOT,
  });
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  const instance = page.instance as unknown as Record<string, (...args: unknown[]) => unknown>;
  const call = async (method: string, ...args: unknown[]) => {
    await instance[method]!(...args);
  };
  // The page's own nodes, then those inside its page-state components (their shadow trees).
  const nodes = (selector: string) => [
    ...page.querySelectorAll(selector),
    ...page.querySelectorAll(`.page-state >>> ${selector}`),
  ];
  return {
    page,
    loaded: call('onLoad', query),
    call,
    text: (selector) => nodes(selector)[0]?.dom?.textContent?.trim(),
    all: (selector) => nodes(selector).map((node) => node.dom?.textContent?.trim() ?? ''),
    has: (selector) => nodes(selector).length > 0,
    async tap(selector) {
      const node = nodes(selector)[0];
      if (!node) throw new Error(`nothing matches ${selector}`);
      node.dispatchEvent('tap');
      await simulate.sleep(0);
    },
  };
}
