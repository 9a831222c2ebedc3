import fc from 'fast-check';
import { maskIps, parseErrmsg } from '../../../../../server/src/wecom/errcodes';

const IPV4 = /\d{1,3}(?:\.\d{1,3}){3}/;

describe('parseErrmsg', () => {
  it('splits a real 60020 errmsg into text, hint and from ip', () => {
    expect(
      parseErrmsg(
        'not allow to access from your ip, hint: [1688706313500611129503023], from ip: 116.228.224.178, more info at https://open.work.weixin.qq.com/devtool/query?e=60020',
      ),
    ).toEqual({
      text: 'not allow to access from your ip',
      hint: '1688706313500611129503023',
      fromIp: '116.228.224.178',
    });
  });

  it('reads the older `<seconds>_<n>_<hex>` hint of the 42001 sample', () => {
    expect(
      parseErrmsg(
        'access_token expired, hint: [1576065934_28_e0fae07666aa64636023c1fa7e8f49a4], from ip: 9.30.0.138, more info at https://open.work.weixin.qq.com/devtool/query?e=42001',
      ),
    ).toEqual({
      text: 'access_token expired',
      hint: '1576065934_28_e0fae07666aa64636023c1fa7e8f49a4',
      fromIp: '9.30.0.138',
    });
  });

  it('accepts `hint:[` without a space and the space before the comma (60011 sample)', () => {
    expect(
      parseErrmsg(
        'no privilege to access/modify contact/party/agent , hint:[1606284449_99_b8d2ac31], from ip: 10.1.2.3, more info at https://open.work.weixin.qq.com/devtool/query?e=60011',
      ),
    ).toEqual({
      text: 'no privilege to access/modify contact/party/agent',
      hint: '1606284449_99_b8d2ac31',
      fromIp: '10.1.2.3',
    });
  });

  it('leaves fromIp out when the errmsg has no `from ip` (early samples)', () => {
    expect(
      parseErrmsg(
        'invalid credential, hint: [1527000000_11_abcdef], more info at https://open.work.weixin.qq.com/devtool/query?e=40001',
      ),
    ).toEqual({ text: 'invalid credential', hint: '1527000000_11_abcdef' });
  });

  it('reads an IPv6 from ip', () => {
    expect(
      parseErrmsg(
        'invalid credential, hint: [x1], from ip: 2001:db8::8a2e:370:7334, more info at u',
      ),
    ).toEqual({
      text: 'invalid credential',
      hint: 'x1',
      fromIp: '2001:db8::8a2e:370:7334',
    });
  });

  it('drops a from ip that is not an address, such as the redacted `xx.xx.xx.xx`', () => {
    expect(parseErrmsg('api freq out of limit, hint: [h], from ip: xx.xx.xx.xx')).toEqual({
      text: 'api freq out of limit',
      hint: 'h',
    });
    expect(parseErrmsg('x, from ip: 999.1.1.1, more info at y').fromIp).toBeUndefined();
  });

  it('keeps a plain message whole and returns only text', () => {
    expect(parseErrmsg('ok')).toEqual({ text: 'ok' });
    expect(parseErrmsg('  invalid code  ')).toEqual({ text: 'invalid code' });
  });

  it('survives garbage and non-strings without throwing', () => {
    expect(parseErrmsg('')).toEqual({ text: '' });
    expect(parseErrmsg('hint: [[[]]] from ip: :::: more info at')).toEqual({ text: '' });
    expect(parseErrmsg(undefined as unknown as string)).toEqual({ text: '' });
    expect(parseErrmsg(42 as unknown as string)).toEqual({ text: '' });
  });

  it('refuses a hint that could carry an IP (dots or colons)', () => {
    expect(parseErrmsg('boom, hint: [1.2.3.4], from ip: 1.2.3.4').hint).toBeUndefined();
  });

  it('masks IP-shaped text inside the free text', () => {
    expect(parseErrmsg('blocked 8.8.8.8 and fe80::1:2 today').text).toBe('blocked * and * today');
  });

  it('never throws and never lets the from ip into text or hint (property)', () => {
    const ip = fc.oneof(fc.ipV4(), fc.ipV6());
    const hint = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    fc.assert(
      // Colons in the free text are covered by the second property; here they could spell `::`.
      fc.property(
        fc.string().filter((s) => !s.includes(':')),
        hint,
        ip,
        fc.boolean(),
        (text, h, address, spaced) => {
          const errmsg = `${text}, hint:${spaced ? ' ' : ''}[${h}], from ip: ${address}, more info at https://open.work.weixin.qq.com/devtool/query?e=1`;
          const parsed = parseErrmsg(errmsg);
          expect(parsed.fromIp).toBe(address);
          expect(parsed.hint).toBe(h);
          expect(parsed.text.includes(address)).toBe(false);
          expect(parsed.text).not.toMatch(IPV4);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (anything) => {
        const parsed = parseErrmsg(anything);
        expect(parsed.text).not.toMatch(IPV4);
        expect(parsed.hint ?? '').not.toMatch(/[.:]/);
      }),
    );
  });
});

describe('maskIps', () => {
  it('masks IPv4 and IPv6 and leaves ordinary text alone', () => {
    expect(maskIps('from 116.228.224.178 and 2001:db8::1')).toBe('from * and *');
    expect(maskIps('应用管理 → 自建 → 企业可信IP')).toBe('应用管理 → 自建 → 企业可信IP');
  });
});
