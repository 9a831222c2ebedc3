import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/** Paths whose values never reach a log line, wherever they appear. */
export const redactedPaths = [
  'secret',
  '*.secret',
  'corpsecret',
  '*.corpsecret',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'session_key',
  '*.session_key',
  'sessionKey',
  '*.sessionKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'jwtSecret',
  '*.jwtSecret',
  'secrets',
  '*.secrets',
];

export function createLogger(
  options: { level: LogLevel; name?: string },
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'wecom-gate',
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    destination,
  );
}
