import type { PageStatus } from '../../utils/load-page';

/**
 * The block a page shows instead of (or above) its content: 请在企业微信中打开 outside WeCom,
 * loading, an error with 重试 (the `retry` event), empty, or an idle hint. Renders nothing for
 * `ready`. Pages bind it to the `status` / `errorText` that loadPage sets.
 */
Component({
  options: {
    // The shared button and text classes of app.wxss apply inside the component too.
    styleIsolation: 'apply-shared',
  },
  properties: {
    status: { type: String, value: 'loading' as PageStatus },
    errorText: { type: String, value: '' },
    loadingText: { type: String, value: '加载中…' },
    emptyText: { type: String, value: '暂无内容' },
    idleText: { type: String, value: '' },
    /** Offer 重试 in the error state. */
    retryable: { type: Boolean, value: true },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
