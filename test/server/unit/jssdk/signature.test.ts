import {
  isSignableUrl,
  jsapiSignature,
  withoutFragment,
} from '../../../../server/src/jssdk/signature';

describe('jsapiSignature', () => {
  test('the official example', () => {
    expect(
      jsapiSignature({
        ticket:
          'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
        nonceStr: 'Wm3WZYTPz0wzccnW',
        timestamp: 1414587457,
        url: 'http://mp.weixin.qq.com?params=value',
      }),
    ).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  test('signs the URL without its fragment, and nothing URL-encoded', () => {
    const base = { ticket: 't', nonceStr: 'n', timestamp: 1 };
    const plain = jsapiSignature({ ...base, url: 'https://a.example/p?q=中文 x' });
    expect(jsapiSignature({ ...base, url: 'https://a.example/p?q=中文 x#/route?y=1' })).toBe(plain);
    expect(
      jsapiSignature({ ...base, url: 'https://a.example/p?q=%E4%B8%AD%E6%96%87%20x' }),
    ).not.toBe(plain);
    expect(withoutFragment('https://a.example/#a#b')).toBe('https://a.example/');
  });
});

describe('isSignableUrl', () => {
  const origin = 'https://gate.example.com';
  test.each([
    'https://gate.example.com',
    'https://gate.example.com/',
    'https://gate.example.com/h5/index.html?a=1&b=中文#/x',
    'https://gate.example.com?x=1',
  ])('signs %j', (url) => expect(isSignableUrl(url, origin)).toBe(true));

  test.each([
    'https://gate.example.com.evil.example/',
    'https://gate.example.com:443/',
    'https://GATE.example.com/',
    'http://gate.example.com/',
    'https://gate.example.com@evil.example/',
    'https://x@gate.example.com/',
    'https://gate.example.com\\@evil.example/',
    'https://gate.example.com/a b',
    'https://gate.example.com/\n',
    `https://gate.example.com/${'a'.repeat(2100)}`,
    '/relative',
    '',
  ])('refuses %j', (url) => expect(isSignableUrl(url, origin)).toBe(false));
});

describe('isSignableUrl under a path prefix', () => {
  const base = 'https://crm.example.com/gate';
  test.each([
    'https://crm.example.com/gate',
    'https://crm.example.com/gate/',
    'https://crm.example.com/gate?x=1',
    'https://crm.example.com/gate#/route',
    'https://crm.example.com/gate/h5/index.html?a=1#/x',
  ])('signs %j', (url) => expect(isSignableUrl(url, base)).toBe(true));

  test.each([
    'https://crm.example.com/',
    'https://crm.example.com/h5/index.html',
    'https://crm.example.com/gateway/h5',
    'https://crm.example.com/other/gate/h5',
    'https://crm.example.com/gate/../h5',
    'https://crm.example.com/gate/%2e%2e/h5',
    'https://crm.example.com/GATE/h5',
    'https://x@crm.example.com/gate/h5',
    'https://crm.example.com.evil.example/gate/h5',
  ])('refuses %j', (url) => expect(isSignableUrl(url, base)).toBe(false));
});
