import fc from 'fast-check';
import { isLocalPath } from '../../../../server/src/auth/return-to';

describe('isLocalPath', () => {
  test.each(['/', '/admin/', '/admin/?tab=names#org', '/h5/a%2F%2Fb', '/a/b/../c'])(
    'accepts %j',
    (value) => expect(isLocalPath(value)).toBe(true),
  );

  test.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https:evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /admin/',
    'admin/',
    'javascript:alert(1)',
    '',
    `/${'a'.repeat(600)}`,
  ])('refuses %j', (value) => expect(isLocalPath(value)).toBe(false));

  test('whatever it accepts, a browser resolves on this server', () => {
    const base = 'https://gate.example.com/auth/wecom/callback?code=1';
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.string({ maxLength: 40 }).map((s) => `/${s}`),
          fc.constantFrom('/', '//', '/\\', '\\', ':', '@', '%2F', '\t', '.', '?', '#').chain((p) =>
            fc
              .array(fc.constantFrom('/', '//', '/\\', '\\', ':', '@', 'evil.example', '\t', '.'), {
                maxLength: 6,
              })
              .map((parts) => p + parts.join('')),
          ),
        ),
        (value) => {
          if (isLocalPath(value)) {
            expect(new URL(value, base).origin).toBe('https://gate.example.com');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('isLocalPath under a base path', () => {
  test.each(['/gate', '/gate/', '/gate/admin/?tab=1#org', '/gate/h5/a/../b', '/gate?x=1'])(
    'accepts %j under /gate',
    (value) => expect(isLocalPath(value, '/gate')).toBe(true),
  );

  test.each([
    '/',
    '/admin/',
    '/gateway/admin/',
    '/other/gate/',
    '/gate/../admin/',
    '/gate/%2e%2e/admin/',
    '/GATE/admin/',
    '//evil.example/gate/',
  ])('refuses %j under /gate', (value) => expect(isLocalPath(value, '/gate')).toBe(false));

  test('whatever it accepts under /gate, a browser resolves under /gate on this server', () => {
    const base = 'https://crm.example.com/gate/auth/wecom/callback?code=1';
    fc.assert(
      fc.property(
        fc
          .array(
            fc.constantFrom('/', 'gate', '..', '.', '%2e', '%2e%2e', 'admin', '?', '#', '\\'),
            {
              maxLength: 8,
            },
          )
          .map((parts) => parts.join('')),
        (value) => {
          if (isLocalPath(value, '/gate')) {
            const resolved = new URL(value, base);
            expect(resolved.origin).toBe('https://crm.example.com');
            expect(resolved.pathname === '/gate' || resolved.pathname.startsWith('/gate/')).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
