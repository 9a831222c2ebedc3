import jwt from 'jsonwebtoken';
import { AuthError } from '../../../../server/src/auth/errors';
import { createSessionTokens } from '../../../../server/src/auth/jwt';

const secret = 's'.repeat(40);
const tokens = createSessionTokens({ secret });
const expiresAt = Date.now() + 3600_000;

function codeOf(token: string): string {
  try {
    tokens.verify('miniprogram', token);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return `auth.${(error as AuthError).reason}`;
  }
  return 'accepted';
}

describe('session tokens', () => {
  it('should round-trip the userid and session id', () => {
    const token = tokens.sign('miniprogram', { userid: 'zhangsan', sid: 'sid-1', expiresAt });
    expect(tokens.verify('miniprogram', token)).toEqual({
      sub: 'zhangsan',
      sid: 'sid-1',
      exp: Math.floor(expiresAt / 1000),
    });
  });

  it('should refuse alg none, another algorithm, a wrong key and a tampered payload', () => {
    const claims = {
      sid: 'sid-1',
      sub: 'zhangsan',
      iss: 'wecom-gate',
      aud: 'wecom-gate:miniprogram',
    };
    const none = jwt.sign(claims, '', { algorithm: 'none', expiresIn: 3600 });
    const hs512 = jwt.sign(claims, secret, { algorithm: 'HS512', expiresIn: 3600 });
    const wrongKey = jwt.sign(claims, 'x'.repeat(40), { algorithm: 'HS256', expiresIn: 3600 });
    const good = tokens.sign('miniprogram', { userid: 'zhangsan', sid: 'sid-1', expiresAt });
    const [header, , signature] = good.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claims, sub: 'boss', exp: 9999999999 }),
    ).toString('base64url');
    for (const token of [none, hs512, wrongKey, `${header}.${forged}.${signature}`, 'garbage']) {
      expect(codeOf(token)).toBe('auth.unauthenticated');
    }
  });

  it('should refuse an expired token and one for another audience', () => {
    const expired = tokens.sign('miniprogram', {
      userid: 'zhangsan',
      sid: 'sid-1',
      expiresAt: Date.now() - 1000,
    });
    expect(codeOf(expired)).toBe('auth.unauthenticated');
    const otherAudience = jwt.sign({ sid: 'sid-1' }, secret, {
      algorithm: 'HS256',
      subject: 'zhangsan',
      issuer: 'wecom-gate',
      audience: 'someone-else',
      expiresIn: 3600,
    });
    expect(codeOf(otherAudience)).toBe('auth.unauthenticated');
  });

  it('should keep the two audiences apart: a web token is no bearer token, and the reverse', () => {
    const web = tokens.sign('web', { userid: 'zhangsan', sid: 'sid-w', expiresAt });
    const bearer = tokens.sign('miniprogram', { userid: 'zhangsan', sid: 'sid-m', expiresAt });
    // Each verified once for its own audience first, so that a memo of it exists.
    expect(tokens.verify('web', web).sid).toBe('sid-w');
    expect(tokens.verify('miniprogram', bearer).sid).toBe('sid-m');
    expect(codeOf(web)).toBe('auth.unauthenticated');
    expect(() => tokens.verify('web', bearer)).toThrow(
      expect.objectContaining({ reason: 'unauthenticated' }),
    );
    // Refusing it elsewhere does not spoil it for its own audience.
    expect(tokens.verify('web', web).sid).toBe('sid-w');
  });
});
