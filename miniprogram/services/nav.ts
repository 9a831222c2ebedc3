import type { Platform } from './platform';

export type PageName =
  | 'home'
  | 'contacts'
  | 'contact-picker'
  | 'contact-detail'
  | 'group-chats'
  | 'group-chat'
  | 'me';

export interface Nav {
  /** Pushes a page (wx.navigateTo). */
  open(page: PageName, query?: Record<string, string>): void;
  /** Replaces the current page (wx.redirectTo). */
  replace(page: PageName, query?: Record<string, string>): void;
  /** Closes every page and opens this one (wx.reLaunch), e.g. after logging out. */
  restart(page: PageName, query?: Record<string, string>): void;
  stopPullDownRefresh(): void;
}

export function pageUrl(page: PageName, query: Record<string, string> = {}): string {
  const search = Object.entries(query)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return `/pages/${page}/index${search === '' ? '' : `?${search}`}`;
}

export function createNav({ wx }: { wx: Platform }): Nav {
  return {
    open: (page, query) => {
      wx.navigateTo({ url: pageUrl(page, query) });
    },
    replace: (page, query) => {
      wx.redirectTo({ url: pageUrl(page, query) });
    },
    restart: (page, query) => {
      wx.reLaunch({ url: pageUrl(page, query) });
    },
    stopPullDownRefresh: () => {
      wx.stopPullDownRefresh();
    },
  };
}
