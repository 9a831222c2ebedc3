import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Store } from './store';

/**
 * Server-side sessions (DESIGN §6): `{userid, corpid, session_key, createdAt}` under a random id,
 * with the session TTL. The session_key never leaves this store and the routes that decrypt.
 */
const sessionGuard = z.object({
  userid: z.string(),
  corpid: z.string(),
  sessionKey: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

export type Session = z.infer<typeof sessionGuard> & { sid: string };

export interface SessionStore {
  create(fields: { userid: string; corpid: string; sessionKey: string }): Promise<Session>;
  find(sid: string): Promise<Session | null>;
  delete(sid: string): Promise<void>;
}

export function createSessionStore(deps: {
  store: Store;
  ttlSeconds: number;
  now?: () => number;
}): SessionStore {
  const { store, ttlSeconds, now = Date.now } = deps;
  const keyOf = (sid: string) => `session:${sid}`;

  return {
    async create(fields) {
      const sid = randomBytes(24).toString('base64url');
      const createdAt = now();
      const session: Session = {
        ...fields,
        sid,
        createdAt,
        expiresAt: createdAt + ttlSeconds * 1000,
      };
      const { sid: _sid, ...stored } = session;
      await store.set(keyOf(sid), JSON.stringify(stored), ttlSeconds * 1000);
      return session;
    },
    async find(sid) {
      const raw = await store.get(keyOf(sid));
      if (raw === null) return null;
      const parsed = sessionGuard.safeParse(JSON.parse(raw));
      return parsed.success ? { ...parsed.data, sid } : null;
    },
    async delete(sid) {
      await store.delete(keyOf(sid));
    },
  };
}
