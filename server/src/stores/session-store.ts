import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createMemo } from './memo';
import type { RateLimitDecision, RateLimiter } from './rate-limiter';
import type { Store } from './store';

/**
 * Server-side sessions under a random id, of two kinds: `miniprogram` (`wx.qy.login`, with the
 * session_key, the session TTL) and `web` (the OAuth2 / QR web login of the admin console and H5
 * pages: no session_key, the web session TTL). One index per employee holds both kinds, so that
 * all of an employee's sessions can be ended at once (the employee left, their userid changed).
 * The session_key never leaves this store and the code that decrypts. A session, its employee's
 * index and that employee's lookup counter share the hash tag `{userid}`, so one script may touch
 * them together on Redis Cluster.
 */
const common = {
  userid: z.string(),
  corpid: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
};
const storedSessionSchema = z.union([
  z.object({
    ...common,
    // Sessions stored before there were web sessions carry no kind.
    kind: z.literal('miniprogram').default('miniprogram'),
    sessionKey: z.string(),
    // A third-party app's login (service/miniprogram/jscode2session): the employee's ID across
    // the service provider's apps.
    openUserid: z.string().optional(),
  }),
  // `tokenAdmin`: signed in with ADMIN_TOKEN, not as an employee; the mark of the token it was
  // made with (a keyed hash), so that a new ADMIN_TOKEN ends it.
  z.object({ ...common, kind: z.literal('web'), tokenAdmin: z.string().optional() }),
]);

type StoredSession = z.infer<typeof storedSessionSchema>;
/** Stored session values remembered decoded (each a few hundred bytes). */
const DECODED_SESSIONS = 10_000;

export type MiniprogramSession = Extract<
  z.infer<typeof storedSessionSchema>,
  { kind: 'miniprogram' }
> & {
  sid: string;
};
export type WebSession = Extract<z.infer<typeof storedSessionSchema>, { kind: 'web' }> & {
  sid: string;
};
export type Session = MiniprogramSession | WebSession;

export type NewSession =
  | {
      kind?: 'miniprogram';
      userid: string;
      corpid: string;
      sessionKey: string;
      openUserid?: string;
    }
  | { kind: 'web'; userid: string; corpid: string; tokenAdmin?: string };

/** What a verified session token names; the session itself may be gone. */
export interface SessionRef {
  userid: string;
  sid: string;
}

export interface SessionStore {
  create(fields: {
    userid: string;
    corpid: string;
    sessionKey: string;
    openUserid?: string;
  }): Promise<MiniprogramSession>;
  create(fields: {
    kind: 'web';
    userid: string;
    corpid: string;
    tokenAdmin?: string;
  }): Promise<WebSession>;
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
  /** Lifetime of a mini-program session. */
  ttlSeconds: number;
  /** Lifetime of a web session (default: `ttlSeconds`). */
  webTtlSeconds?: number;
  now?: () => number;
}): SessionStore {
  const { store, ttlSeconds, webTtlSeconds = ttlSeconds, now = Date.now } = deps;

  // The same stored value decodes to the same session: a busy employee's requests parse it once.
  const decoded = createMemo<string, StoredSession | false>(DECODED_SESSIONS);
  const decode = (ref: SessionRef, raw: string | null): Session | null => {
    if (raw === null) return null;
    let stored = decoded.get(raw);
    if (stored === undefined) {
      const parsed = storedSessionSchema.safeParse(JSON.parse(raw));
      stored = parsed.success && parsed.data;
      decoded.set(raw, stored);
    }
    return stored && stored.userid === ref.userid ? { ...stored, sid: ref.sid } : null;
  };

  async function create(fields: NewSession): Promise<Session> {
    const sid = randomBytes(24).toString('base64url');
    const createdAt = now();
    const ttlMs = (fields.kind === 'web' ? webTtlSeconds : ttlSeconds) * 1000;
    const base = { userid: fields.userid, corpid: fields.corpid, sid, createdAt };
    const session: Session =
      fields.kind === 'web'
        ? {
            ...base,
            kind: 'web',
            expiresAt: createdAt + ttlMs,
            ...(fields.tokenAdmin !== undefined && { tokenAdmin: fields.tokenAdmin }),
          }
        : {
            ...base,
            kind: 'miniprogram',
            sessionKey: fields.sessionKey,
            expiresAt: createdAt + ttlMs,
            ...(fields.openUserid !== undefined && { openUserid: fields.openUserid }),
          };
    const { sid: _sid, ...stored } = session;
    await store.set(sessionKeyOf(session), JSON.stringify(stored), ttlMs);
    await store.addToSet(indexKeyOf(session.userid), sid, ttlMs);
    return session;
  }

  return {
    create: create as SessionStore['create'],
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
