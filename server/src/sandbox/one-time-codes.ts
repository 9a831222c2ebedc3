import { randomBytes } from 'node:crypto';

/**
 * Codes WeCom hands out for one use within a lifetime: a provider's pre_auth_code (20 minutes)
 * and the auth_code of an installation (10 minutes). Bounded: the oldest are forgotten first.
 */

export interface OneTimeCodes<T> {
  issue(value: T): string;
  /** The code's value while it is valid, without using it. */
  peek(code: string): T | undefined;
  /** Uses the code: undefined when unknown, used or expired. */
  consume(code: string): T | undefined;
}

const MAX_CODES = 10_000;

export function createOneTimeCodes<T>(deps: { now: () => number; ttlMs: number }): OneTimeCodes<T> {
  const codes = new Map<string, { value: T; issuedAt: number }>();
  const peek = (code: string) => {
    const record = codes.get(code);
    if (!record || deps.now() - record.issuedAt >= deps.ttlMs) return undefined;
    return record.value;
  };
  return {
    issue(value) {
      for (const oldest of codes.keys()) {
        if (codes.size < MAX_CODES) break;
        codes.delete(oldest);
      }
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { value, issuedAt: deps.now() });
      return code;
    },
    peek,
    consume(code) {
      const value = peek(code);
      codes.delete(code);
      return value;
    },
  };
}
