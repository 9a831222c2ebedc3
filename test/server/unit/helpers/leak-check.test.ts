import { findLeaks } from '../../../helpers/leak-check';

describe('the response leak check', () => {
  const secrets = ['Zm9vYmFyYmF6cXV4MTIzNA==', 'access-token-abcdefghijklmnop', 'short'];

  it('finds a session_key or access token anywhere in a response', () => {
    const leaks = findLeaks(
      [
        '{"ok":true}',
        '{"data":{"k":"Zm9vYmFyYmF6cXV4MTIzNA=="}}',
        'x-debug: access-token-abcdefghijklmnop',
      ],
      secrets,
    );
    expect(leaks.map((leak) => leak.leaked)).toEqual([
      'Zm9vYmFyYmF6cXV4MTIzNA==',
      'access-token-abcdefghijklmnop',
    ]);
  });

  it("finds WeCom's from ip in a forwarded errmsg", () => {
    const errmsg = 'not allow to access from your ip, hint: [1], from ip: 10.0.0.8, more info at x';
    expect(findLeaks([JSON.stringify({ message: errmsg })], [])).toHaveLength(1);
  });

  it('passes an admin fix text that only names the words "from ip"', () => {
    const fix = 'Add the egress IP shown after "from ip" in the error message';
    expect(findLeaks([JSON.stringify({ fix }), 'from ip: <egress IP>'], [])).toEqual([]);
    expect(findLeaks(['from ip: 2408:8207::1'], [])).toHaveLength(1);
  });

  it('passes clean responses and ignores needles too short to mean anything', () => {
    expect(findLeaks(['{"user":{"userid":"short"}}'], secrets)).toEqual([]);
  });
});
