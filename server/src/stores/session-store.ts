import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RateLimitDecision, RateLimiter } from './rate-limiter';
import type { Store } from './store';

/**
 * Server-side sessions: `{userid, corpid, session_key, createdAt}` under a random id, with the
 * session TTL, and an index of each employee's sessions so that all of them can be ended at once
 * (the employee left, their userid changed). The session_key never leaves this store and the
 * code that decrypts. A session, its employee's index and that employee's lookup counter share
 * the hash tag `{userid}`, so one script may touch them together on Redis Cluster.
 */
const storedSessionSchema = z.object({
  userid: z.string(),
  corpid: z.string(),
  sessionKey: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

export type Session = z.infer<typeof storedSessionSchema> & { sid: string };

/** What a verified session token names; the session itself may be gone. */
export interface SessionRef {
  userid: string;
  sid: string;
}

export interface SessionStore {
  create(fields: { userid: string; corpid: string; sessionKey: string }): Promise<Session>;
  find(ref: SessionRef): Promise<Session | null>;
  /** Finds the session and, only when it is live, counts one request of its employee. */
  findCounted(
    ref: SessionRef,
    limiter: RateLimiter,
  ): Promise<{ session: Session; decision: RateLimitDecision } | null>;
  delete(ref: SessionRef): Promise<void>;
  /** Ends every session of one employee; answers how many there were. */
  endAll(userid: string): Promise<number>;
}

const employeeTag = (userid: string) => `{${userid}}`;
const sessionKeyOf = ({ userid, sid }: SessionRef) => `session:${employeeTag(userid)}:${sid}`;
const indexKeyOf = (userid: string) => `sessions:${employeeTag(userid)}`;

export function createSessionStore(deps: {
  store: Store;
  ttlSeconds: number;
  now?: () => number;
}): SessionStore {
  const { store, ttlSeconds, now = Date.now } = deps;

  const decode = (ref: SessionRef, raw: string | null): Session | null => {
    if (raw === null) return null;
    const parsed = storedSessionSchema.safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.userid === ref.userid
      ? { ...parsed.data, sid: ref.sid }
      : null;
  };

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
      await store.set(sessionKeyOf(session), JSON.stringify(stored), ttlSeconds * 1000);
      await store.addToSet(indexKeyOf(session.userid), sid, ttlSeconds * 1000);
      return session;
    },
    find: async (ref) => decode(ref, await store.get(sessionKeyOf(ref))),
    async findCounted(ref, limiter) {
      const { value, counter } = await store.getAndIncrement(
        sessionKeyOf(ref),
        limiter.counterKey(employeeTag(ref.userid)),
        limiter.windowMs,
      );
      const session = decode(ref, value);
      return session && counter ? { session, decision: limiter.decide(counter) } : null;
    },
    async delete(ref) {
      await store.delete(sessionKeyOf(ref));
      await store.removeFromSet(indexKeyOf(ref.userid), ref.sid);
    },
    async endAll(userid) {
      const sids = await store.setMembers(indexKeyOf(userid));
      await store.delete(...sids.map((sid) => sessionKeyOf({ userid, sid })), indexKeyOf(userid));
      return sids.length;
    },
  };
}
