import type { Logger } from 'pino';
import type { DecryptResponse, MeResponse } from '../../../miniprogram/typings/api';
import type { NameCache } from '../stores/name-cache';
import type { Session, SessionStore } from '../stores/session-store';
import type { WecomAddressBook } from '../wecom/address-book';
import { WecomApiError } from '../wecom/errors';
import type { UserDataDecryptor } from './decrypt';
import { AuthError } from './errors';

/** What a logged-in employee may ask about themselves: who they are, and their own user data. */
export interface Profiles {
  describe(session: Session): Promise<MeResponse>;
  /**
   * Decrypts `wx.qy.getEnterpriseUserInfo` / `getMobile` / `getEmail` data with the session's
   * key. Data that does not decrypt means a newer login rotated the key: the session is ended
   * (`stale_session_key`) so that the mini-program logs in again.
   */
  decrypt(session: Session, input: { encryptedData: string; iv: string }): Promise<DecryptResponse>;
}

export function createProfiles(deps: {
  addressBook: Pick<WecomAddressBook, 'getMember'>;
  names: NameCache;
  sessions: SessionStore;
  decryptor: UserDataDecryptor;
  logger: Logger;
}): Profiles {
  const { addressBook, names, sessions, decryptor, logger } = deps;

  /**
   * The employee's display name: from the name cache, else one `user/get` remembered for later
   * requests. A refusal (60011 outside the visible range, 48009, …) leaves the name out rather
   * than failing, and is remembered too so it is not asked again on every request.
   */
  async function nameOf(userid: string): Promise<string | undefined> {
    const cached = await names.get('user', userid);
    if (cached !== undefined) return cached ?? undefined;
    try {
      const user = await addressBook.getMember(userid);
      await names.set('user', userid, user.name ?? null);
      return user.name;
    } catch (error) {
      if (!(error instanceof WecomApiError)) throw error;
      logger.warn({ errcode: error.errcode, api: error.api }, 'employee name unavailable');
      await names.set('user', userid, null);
      return undefined;
    }
  }

  return {
    async describe(session) {
      return {
        user: {
          userid: session.userid,
          corpid: session.corpid,
          name: await nameOf(session.userid),
          ...(session.kind === 'miniprogram' &&
            session.openUserid !== undefined && { openUserid: session.openUserid }),
        },
        expiresAt: new Date(session.expiresAt).toISOString(),
      };
    },
    async decrypt(session, input) {
      if (decryptor.appId === undefined) throw new AuthError('decrypt_disabled');
      if (session.kind !== 'miniprogram') throw new AuthError('no_session_key');
      const outcome = decryptor.decrypt(session.sessionKey, {
        encryptedData: Buffer.from(input.encryptedData, 'base64'),
        iv: Buffer.from(input.iv, 'base64'),
      });
      if (outcome.ok) return { data: outcome.data };
      if (outcome.reason === 'stale_session_key') await sessions.delete(session);
      throw new AuthError(outcome.reason === 'appid_mismatch' ? 'foreign_data' : outcome.reason);
    },
  };
}
