import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { createSessionStore } from '../../../../server/src/stores/session-store';

describe('session store: mini-program and web sessions', () => {
  let now = 1_000_000;
  const store = createMemoryStore({ now: () => now });
  const sessions = createSessionStore({
    store,
    ttlSeconds: 60,
    webTtlSeconds: 600,
    now: () => now,
  });

  test('a web session has no session_key and its own lifetime; both end with endAll', async () => {
    const mini = await sessions.create({ userid: 'u1', corpid: 'c', sessionKey: 'k' });
    const web = await sessions.create({ kind: 'web', userid: 'u1', corpid: 'c' });
    expect(mini).toMatchObject({ kind: 'miniprogram', sessionKey: 'k', expiresAt: now + 60_000 });
    expect(web).toMatchObject({ kind: 'web', expiresAt: now + 600_000 });
    expect(web).not.toHaveProperty('sessionKey');
    expect(await sessions.find(web)).toEqual(web);

    now += 61_000; // past the mini-program session, within the web one (and the index)
    expect(await sessions.find(mini)).toBeNull();
    expect(await sessions.find(web)).toEqual(web);
    expect(await sessions.endAll('u1')).toBe(2);
    expect(await sessions.find(web)).toBeNull();
  });

  test('a session stored before there were kinds is a mini-program session', async () => {
    await store.set(
      'session:{u2}:old',
      JSON.stringify({
        userid: 'u2',
        corpid: 'c',
        sessionKey: 'k',
        createdAt: now,
        expiresAt: now + 1,
      }),
      60_000,
    );
    expect(await sessions.find({ userid: 'u2', sid: 'old' })).toMatchObject({
      kind: 'miniprogram',
      sessionKey: 'k',
    });
  });
});
