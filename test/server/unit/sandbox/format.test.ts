import { decodeCursor, encodeCursor, page } from '../../../../server/src/sandbox/api/cursor';
import { WecomError } from '../../../../server/src/sandbox/api/types';
import { callerIp, formatErrmsg, traceHint } from '../../../../server/src/sandbox/errmsg';

describe('sandbox errmsg anatomy', () => {
  it('formats text, a 25-digit hint starting with unix seconds, from ip and the query link', () => {
    const errmsg = formatErrmsg(60020, '116.228.224.178', 1_688_706_313_500);
    expect(errmsg).toMatch(
      /^not allow to access from your ip, hint: \[1688706313\d{15}\], from ip: 116\.228\.224\.178, more info at https:\/\/open\.work\.weixin\.qq\.com\/devtool\/query\?e=60020$/,
    );
    expect(traceHint(0)).toMatch(/^0\d{15}$/);
    expect(formatErrmsg(1, 'ip', 0, 'custom')).toMatch(/^custom, hint: /);
  });

  it('shows IPv4-mapped addresses as IPv4', () => {
    expect(callerIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(callerIp('::1')).toBe('::1');
    expect(callerIp(undefined)).toBe('0.0.0.0');
  });
});

describe('sandbox cursors', () => {
  it('round-trips offsets, pages and rejects garbage with 40058', () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    expect(decodeCursor('')).toBe(0);
    expect(() => decodeCursor('garbage')).toThrow(WecomError);
    const items = [1, 2, 3, 4, 5];
    const first = page(items, undefined, 2);
    expect(first.slice).toEqual([1, 2]);
    const last = page(items, page(items, first.nextCursor, 2).nextCursor, 2);
    expect(last).toEqual({ slice: [5], nextCursor: '' });
  });
});
