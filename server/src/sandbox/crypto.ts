import { createCipheriv, randomBytes } from 'node:crypto';
import type { EncryptedPayload } from './types';

/**
 * What the WeCom client does for wx.qy.getEnterpriseUserInfo / getMobile / getEmail: AES-128-CBC
 * (PKCS#7) of the JSON payload plus `watermark {appid, timestamp}`, key = base64-decoded session_key.
 */
export function encryptUserData(
  sessionKey: string,
  payload: object,
  watermark: { appid: string; timestamp: number },
): EncryptedPayload {
  const key = Buffer.from(sessionKey, 'base64');
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  const plain = Buffer.from(JSON.stringify({ ...payload, watermark }));
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') };
}
