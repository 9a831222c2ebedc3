import { createDecipheriv } from 'node:crypto';

/**
 * Decrypts what `wx.qy.getEnterpriseUserInfo` / `getMobile` / `getEmail` hand the mini-program
 * AES-128-CBC, PKCS#7, key = base64-decoded session_key, iv = base64-decoded iv;
 * the plaintext is JSON with `watermark.appid` = the mini-program's appid. A padding or JSON error
 * means the ciphertext was made with another session_key (a newer `wx.qy.login` rotated it).
 */
export type DecryptOutcome =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; reason: 'stale_session_key' | 'appid_mismatch' | 'no_watermark' };

export interface UserDataDecryptor {
  /** The mini-program appid to check `watermark.appid` against; undefined = decrypt disabled. */
  readonly appId: string | undefined;
  /** `encryptedData` is a non-empty multiple of 16 bytes and `iv` 16 bytes (checked by the route). */
  decrypt(sessionKey: string, input: { encryptedData: Buffer; iv: Buffer }): DecryptOutcome;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function createUserDataDecryptor(deps: { appId: string | undefined }): UserDataDecryptor {
  const { appId } = deps;
  return {
    appId,
    decrypt(sessionKey, input) {
      const key = Buffer.from(sessionKey, 'base64');
      let payload: unknown;
      try {
        const decipher = createDecipheriv('aes-128-cbc', key, input.iv);
        const plain = Buffer.concat([decipher.update(input.encryptedData), decipher.final()]);
        payload = JSON.parse(plain.toString('utf8'));
      } catch {
        return { ok: false, reason: 'stale_session_key' };
      }
      if (!isRecord(payload)) return { ok: false, reason: 'stale_session_key' };
      const { watermark, ...data } = payload;
      if (!isRecord(watermark) || typeof watermark.appid !== 'string')
        return { ok: false, reason: 'no_watermark' };
      if (watermark.appid !== appId) return { ok: false, reason: 'appid_mismatch' };
      return { ok: true, data };
    },
  };
}
