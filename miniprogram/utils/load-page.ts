import { currentServices } from '../services/current';
import type { Services } from '../services/index';
import { errorText } from './error-text';

interface PageLike {
  setData(data: Record<string, unknown>): void;
}

/**
 * The state machine every sidebar/workbench page shares: 请在企业微信中打开 outside WeCom, then
 * loading, then what `task` answers (its data is set on the page; `undefined` = it navigated
 * away), or the error state with a short Chinese message.
 */
export async function loadPage(
  page: PageLike,
  task: (services: Services) => Promise<Record<string, unknown> | undefined>,
): Promise<void> {
  const services = currentServices();
  if (!services.env.isWxWork()) {
    page.setData({ status: 'outside' });
    return;
  }
  page.setData({ status: 'loading', errorText: '' });
  try {
    const data = await task(services);
    if (data !== undefined) page.setData(data);
  } catch (error) {
    page.setData({ status: 'error', errorText: errorText(error) });
  }
}
