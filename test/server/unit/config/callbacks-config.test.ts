import { ConfigError, loadConfig } from '../../../../server/src/config';

const production = {
  WECOM_CORP_ID: 'ww0123456789abcdef',
  WECOM_APP_SECRET: 'app-secret-value-that-must-not-leak',
  JWT_SECRET: 'j'.repeat(32),
};
const KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const TOKEN = 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo';

function messageOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...production, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('callback configuration', () => {
  it('takes each receiver’s Token and EncodingAESKey; a receiver without them is off', () => {
    const config = loadConfig({
      ...production,
      WECOM_APP_CALLBACK_TOKEN: TOKEN,
      WECOM_APP_CALLBACK_AES_KEY: KEY,
    });
    expect(config.callbacks).toEqual({
      app: { token: TOKEN, encodingAesKey: KEY },
      directory: undefined,
      generated: false,
    });
  });

  it('stops start-up naming a bad EncodingAESKey, never echoing it', () => {
    for (const bad of [KEY.slice(1), `${KEY}x`, `${KEY.slice(1)}-`]) {
      const message = messageOf({
        WECOM_DIRECTORY_CALLBACK_TOKEN: TOKEN,
        WECOM_DIRECTORY_CALLBACK_AES_KEY: bad,
      });
      expect(message).toContain('WECOM_DIRECTORY_CALLBACK_AES_KEY');
      expect(message).toContain('43');
      expect(message).not.toContain(bad);
    }
  });

  it('stops start-up naming a bad Token, and a Token or key without the other', () => {
    const badToken = 'has spaces and is far too long for the console';
    const message = messageOf({
      WECOM_APP_CALLBACK_TOKEN: badToken,
      WECOM_APP_CALLBACK_AES_KEY: KEY,
    });
    expect(message).toContain('WECOM_APP_CALLBACK_TOKEN');
    expect(message).not.toContain(badToken);
    expect(messageOf({ WECOM_APP_CALLBACK_TOKEN: TOKEN })).toContain(
      'WECOM_APP_CALLBACK_AES_KEY is required',
    );
    expect(messageOf({ WECOM_APP_CALLBACK_AES_KEY: KEY })).not.toContain(KEY);
  });

  it('makes random keys for both receivers in sandbox mode, none in production', () => {
    const sandbox = loadConfig({});
    expect(sandbox.callbacks.generated).toBe(true);
    expect(sandbox.callbacks.app?.token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(sandbox.callbacks.app?.encodingAesKey).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(sandbox.callbacks.directory?.encodingAesKey).not.toBe(
      sandbox.callbacks.app?.encodingAesKey,
    );
    expect(loadConfig({}).callbacks.app?.token).not.toBe(sandbox.callbacks.app?.token);
    expect(loadConfig(production).callbacks).toEqual({
      app: undefined,
      directory: undefined,
      generated: false,
    });
  });

  it('reads PUBLIC_BASE_URL without its trailing slash and refuses a query', () => {
    expect(
      loadConfig({ ...production, PUBLIC_BASE_URL: 'https://gate.example.com/' }).publicBaseUrl,
    ).toBe('https://gate.example.com');
    expect(messageOf({ PUBLIC_BASE_URL: 'https://gate.example.com/?a=1' })).toContain(
      'PUBLIC_BASE_URL',
    );
    expect(messageOf({ PUBLIC_BASE_URL: 'ftp://gate.example.com' })).toContain('PUBLIC_BASE_URL');
  });

  it('reads VERIFY_FILES and refuses names outside WW_verify_*.txt / MP_verify_*.txt', () => {
    expect(
      loadConfig({
        ...production,
        VERIFY_FILES: 'WW_verify_abc123.txt=abc123, MP_verify_Xy9.txt=Zz1',
      }).verifyFiles,
    ).toEqual({ 'WW_verify_abc123.txt': 'abc123', 'MP_verify_Xy9.txt': 'Zz1' });
    for (const bad of [
      'index.html=x',
      '../WW_verify_a.txt=x',
      'WW_verify_a.txt',
      'WW_verify_a.txt=<script>',
      'ww_verify_a.txt=x',
      'WW_verify_.txt=x',
    ])
      expect(messageOf({ VERIFY_FILES: bad })).toContain('VERIFY_FILES');
  });
});
