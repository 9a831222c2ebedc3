import { currentServices } from '../services/current';
import type { Services } from '../services/index';
import { errorText } from './error-text';

/**
 * What a page shows, as the page-state component renders it: `outside` (not inside WeCom),
 * `loading`, `error` (with `errorText`), `empty`, `idle` (waiting for the employee) or `ready`
 * (the page's own content).
 */
export type PageStatus = 'outside' | 'loading' | 'idle' | 'ready' | 'empty' | 'error';

/** The fields of a page's data that loadPage owns. */
export interface PageStateData {
  status: PageStatus;
  errorText: string;
}

/** A page (a Component instance) whose data carries the page-state fields. */
export interface StatefulPage<D extends PageStateData> {
  readonly data: D;
  setData(patch: Partial<PageStateData> | Partial<D>): void;
}

interface LoadOptions<D> {
  /** Keep what is on screen instead of showing the loading state (a refresh of a shown list). */
  quiet?: boolean;
  /** Set together with the error state, e.g. to drop a list that is no longer true. */
  onError?: Partial<D>;
}

/**
 * The state machine every page shares: 请在企业微信中打开 outside WeCom (and nothing called), then
 * loading, then what `task` answers (set on the page; `undefined` = it navigated away or set its
 * data itself), or the error state with a short Chinese message.
 */
export async function loadPage<D extends PageStateData>(
  page: StatefulPage<D>,
  task: (services: Services) => Promise<Partial<D> | undefined>,
  options: LoadOptions<D> = {},
): Promise<void> {
  const services = currentServices();
  if (!services.env.isWxWork()) {
    page.setData({ status: 'outside' });
    return;
  }
  if (options.quiet !== true) page.setData({ status: 'loading', errorText: '' });
  try {
    const data = await task(services);
    if (data !== undefined) page.setData(data);
  } catch (error) {
    const failed: Partial<PageStateData> = { status: 'error', errorText: errorText(error) };
    page.setData({ ...options.onError, ...failed } as Partial<D>);
  }
}
