import { randomBytes } from 'node:crypto';

/** Login codes from wx.qy.login: valid 5 minutes, single use. */

export const CODE_TTL_MS = 5 * 60 * 1000;

export interface LoginCode {
  userid: string;
  corpId: string;
}

export interface CodeStore {
  issue(code: LoginCode): string;
  /** Consumes the code; undefined when unknown, used or expired (all answer 40029). */
  consume(code: string): LoginCode | undefined;
}

const MAX_CODES = 100_000;

export function createCodeStore(deps: { now: () => number }): CodeStore {
  const codes = new Map<string, LoginCode & { issuedAt: number }>();

  function prune(): void {
    const cutoff = deps.now() - CODE_TTL_MS;
    for (const [code, record] of codes) if (record.issuedAt <= cutoff) codes.delete(code);
    for (const code of codes.keys()) {
      if (codes.size < MAX_CODES) break;
      codes.delete(code);
    }
  }

  return {
    issue(login) {
      if (codes.size >= MAX_CODES) prune();
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { ...login, issuedAt: deps.now() });
      return code;
    },
    consume(code) {
      const record = codes.get(code);
      if (!record) return undefined;
      codes.delete(code);
      if (deps.now() - record.issuedAt >= CODE_TTL_MS) return undefined;
      return { userid: record.userid, corpId: record.corpId };
    },
  };
}
