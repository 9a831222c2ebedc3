import { registerSecret } from './leak-check';

/** Callback keys for test gateways (valid per the WeCom admin's rules), registered as secrets. */
export const APP_CALLBACK = {
  token: 'TestAppCallbackToken0123456789ab',
  encodingAesKey: 'TestAppCallbackEncodingAesKey0123456789abcd',
};
export const DIRECTORY_CALLBACK = {
  token: 'TestDirectoryCallbackToken012345',
  encodingAesKey: 'TestDirectoryCallbackEncodingAesKey01234567',
};
for (const keys of [APP_CALLBACK, DIRECTORY_CALLBACK]) {
  registerSecret(keys.token);
  registerSecret(keys.encodingAesKey);
}

/** Environment for a gateway with both receivers configured. */
export const CALLBACK_ENV: Record<string, string> = {
  WECOM_APP_CALLBACK_TOKEN: APP_CALLBACK.token,
  WECOM_APP_CALLBACK_AES_KEY: APP_CALLBACK.encodingAesKey,
  WECOM_DIRECTORY_CALLBACK_TOKEN: DIRECTORY_CALLBACK.token,
  WECOM_DIRECTORY_CALLBACK_AES_KEY: DIRECTORY_CALLBACK.encodingAesKey,
};

/**
 * Polls `check` until it holds or `withinMs` passes, and answers its last value: the bound of an
 * effect that arrives asynchronously (another instance's pub/sub), not a speed measurement.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  done: (value: T) => boolean,
  withinMs = 1000,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await check();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
