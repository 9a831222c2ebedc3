import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { createSecretBox } from '../../../../server/src/provider/secret-box';

// Permanent codes are kept sealed with CORP_SECRETS_KEY: a sealed value opens with that key only,
// and one changed in the store does not open at all.

describe('the secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('opens what it sealed, and never shows it in the sealed form', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 200 }), (secret) => {
        const sealed = box.seal(secret);
        expect(sealed).not.toContain(secret);
        expect(box.open(sealed)).toBe(secret);
        // A new IV each time: the same secret seals differently.
        expect(box.seal(secret)).not.toBe(sealed);
      }),
    );
  });

  it('refuses a value sealed with another key, or changed by one byte', () => {
    const sealed = box.seal('permanent-code-0123456789');
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => box.open(bytes.toString('base64url'))).toThrow();
    expect(() => box.open('short')).toThrow('not a sealed secret');
  });

  it('takes a 32-byte key only', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow('32 bytes');
  });
});
