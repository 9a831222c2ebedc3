import { currentServices } from '../services/current';
import type { Services } from '../services/index';
import { errorText } from './error-text';
import { loadPage, type PageStateData, type PageStatus, type StatefulPage } from './load-page';

/** One page of a server list, already turned into rows for the screen. */
export interface ListChunk<Row> {
  rows: Row[];
  /** Absent or empty on the last page. */
  nextCursor?: string;
}

/** The data of a page that shows a server list page by page (我的客户, 我的客户群). */
export interface PagedListData<Row> extends PageStateData {
  items: Row[];
  nextCursor: string;
  loadingMore: boolean;
  moreErrorText: string;
}

/** Reads the page after `cursor` (the first page without one). */
export type FetchChunk<Row> = (
  services: Services,
  cursor: string | undefined,
) => Promise<ListChunk<Row>>;

/** The first page again; a list already on screen stays until the answer arrives. */
export function refreshList<Row>(
  page: StatefulPage<PagedListData<Row>>,
  fetch: FetchChunk<Row>,
): Promise<void> {
  return loadPage(
    page,
    async (services) => {
      const first = await fetch(services, undefined);
      return {
        status: first.rows.length === 0 ? 'empty' : 'ready',
        items: first.rows,
        nextCursor: first.nextCursor ?? '',
        moreErrorText: '',
      };
    },
    { quiet: page.data.items.length > 0, onError: { items: [] } },
  );
}

/** The next page (onReachBottom); a failure keeps the list and offers a retry below it. */
export async function loadMore<Row>(
  page: StatefulPage<PagedListData<Row>>,
  fetch: FetchChunk<Row>,
): Promise<void> {
  const { nextCursor, loadingMore, status } = page.data;
  if (status !== 'ready' || nextCursor === '' || loadingMore) return;
  page.setData({ loadingMore: true, moreErrorText: '' });
  try {
    const next = await fetch(currentServices(), nextCursor);
    page.setData({ items: [...page.data.items, ...next.rows], nextCursor: next.nextCursor ?? '' });
  } catch (error) {
    page.setData({ moreErrorText: errorText(error) });
  } finally {
    page.setData({ loadingMore: false });
  }
}

/**
 * The whole page of a server list (我的客户, 我的客户群): the first page on load, pull-down
 * refresh, more on reaching the bottom, a retry, and `open(id)` on a tap of a row whose
 * `data-id` is set (`bindtap="onTapItem"`).
 */
export function pagedListPage<Row>(options: { fetch: FetchChunk<Row>; open(id: string): void }) {
  return {
    data: {
      status: 'loading' as PageStatus,
      errorText: '',
      items: [] as Row[],
      nextCursor: '',
      loadingMore: false,
      moreErrorText: '',
    },
    methods: {
      onLoad(this: StatefulPage<PagedListData<Row>>) {
        return refreshList(this, options.fetch);
      },
      async onPullDownRefresh(this: StatefulPage<PagedListData<Row>>) {
        try {
          await refreshList(this, options.fetch);
        } finally {
          currentServices().nav.stopPullDownRefresh();
        }
      },
      onReachBottom(this: StatefulPage<PagedListData<Row>>) {
        return loadMore(this, options.fetch);
      },
      onRetry(this: StatefulPage<PagedListData<Row>>) {
        return refreshList(this, options.fetch);
      },
      onTapItem(event: WechatMiniprogram.BaseEvent<Record<string, never>, { id?: string }>) {
        const id = event.currentTarget.dataset.id;
        if (id !== undefined) options.open(id);
      },
    },
  };
}
