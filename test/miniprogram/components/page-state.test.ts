import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { MP_ROOT } from '../helpers/page';

// The component on its own, rendered in a host template as vant-weapp tests do.

let stateId: string;
beforeAll(() => {
  stateId = simulate.load(path.join(MP_ROOT, 'components/page-state/index'), 'page-state', {
    rootPath: MP_ROOT,
  });
});

function mount(data: Record<string, unknown>) {
  const retried = jest.fn();
  const hostId = simulate.load({
    usingComponents: { 'page-state': stateId },
    template: `<page-state class="state-host" status="{{status}}" error-text="{{errorText}}"
      empty-text="{{emptyText}}" idle-text="{{idleText}}" loading-text="{{loadingText}}"
      retryable="{{retryable}}" bind:retry="onRetry" />`,
    data: {
      status: 'loading',
      errorText: '',
      emptyText: '暂无内容',
      idleText: '',
      loadingText: '加载中…',
      retryable: true,
      ...data,
    },
    methods: { onRetry: retried },
  });
  const host = simulate.render(hostId);
  host.attach(document.createElement('parent-wrapper'));
  const inside = (selector: string) => host.querySelectorAll(`.state-host >>> ${selector}`);
  const text = (selector: string) => inside(selector)[0]?.dom?.textContent?.trim();
  return { host, inside, text, retried };
}

describe('components/page-state', () => {
  it('should say 请在企业微信中打开 outside WeCom, inside its own shadow tree', () => {
    const { host, text, inside } = mount({ status: 'outside' });
    expect(text('.state-outside')).toBe('请在企业微信中打开');
    expect(host.querySelectorAll('.state-outside')).toHaveLength(0);
    expect(inside('.state')).toHaveLength(1);
  });

  it('should show the loading text it is given', () => {
    expect(mount({ status: 'loading' }).text('.state-loading')).toBe('加载中…');
    expect(mount({ status: 'loading', loadingText: '正在登录…' }).text('.state-loading')).toBe(
      '正在登录…',
    );
  });

  it('should show the error text and fire retry on 重试', async () => {
    const { inside, text, retried } = mount({ status: 'error', errorText: '网络异常，请稍后重试' });
    expect(text('.state-error .state-text')).toBe('网络异常，请稍后重试');
    inside('.retry')[0]!.dispatchEvent('tap');
    await simulate.sleep(0);
    expect(retried).toHaveBeenCalledTimes(1);
  });

  it('should leave 重试 out when the page offers its own way forward', () => {
    const { inside, text } = mount({ status: 'error', errorText: '出错了', retryable: false });
    expect(text('.state-error')).toBe('出错了');
    expect(inside('.retry')).toHaveLength(0);
  });

  it('should show the empty text, and the idle hint only when there is one', () => {
    expect(mount({ status: 'empty', emptyText: '还没有客户' }).text('.state-empty')).toBe(
      '还没有客户',
    );
    expect(mount({ status: 'idle', idleText: '请选择' }).text('.state-idle')).toBe('请选择');
    expect(mount({ status: 'idle' }).inside('.state')).toHaveLength(0);
  });

  it('should render nothing when the page is ready', () => {
    expect(mount({ status: 'ready' }).inside('.state')).toHaveLength(0);
  });

  it('should follow the status as the page changes it', async () => {
    const { host, text, inside } = mount({ status: 'loading' });
    expect(text('.state-loading')).toBe('加载中…');
    host.setData({ status: 'ready' });
    await simulate.sleep(0);
    expect(inside('.state')).toHaveLength(0);
  });
});
