import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { entryPoint, TSX, withoutEnvFile } from './entry-points';
import { freePort } from './redis-process';
import { testRedisUrl } from './stores';

/** `npm start` in sandbox mode (no WECOM_CORP_ID) as a child process, with the test Redis. */
export interface SandboxServer {
  /** Its origin. */
  url: string;
  /** `url` and the path prefix of PUBLIC_BASE_URL ('' without one): where its routes are. */
  base: string;
  /** SIGTERM; resolves when the process has exited. */
  stop(): Promise<void>;
}

export const SANDBOX_JWT_SECRET = 'e2e-jwt-secret-0123456789abcdef0123456789';

/**
 * `env`: more configuration, e.g. `ADMIN_USERIDS` (as in `ADMIN_USERIDS=lisi npm start`);
 * `basePath`: PUBLIC_BASE_URL is then the server's own origin with this path prefix (`/gate`).
 */
export async function startSandboxServer(
  options: { env?: Record<string, string>; basePath?: string } = {},
): Promise<SandboxServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base = `${url}${options.basePath ?? ''}`;
  const child: ChildProcess = spawn(TSX, [entryPoint('server/src/index.ts')], {
    cwd: withoutEnvFile(),
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: `e2e:${randomUUID()}:`,
      JWT_SECRET: SANDBOX_JWT_SECRET,
      LOG_LEVEL: 'warn',
      ...(options.basePath !== undefined && { PUBLIC_BASE_URL: base }),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if ((await httpRequest('GET', `${url}/readyz`).catch(() => undefined))?.status === 200) break;
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('the server did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    base,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * One HTTP exchange over node:http (usable where `fetch` is not, e.g. jest's jsdom environment):
 * status, and the body as text.
 */
export function httpRequest(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method, headers: options.headers, timeout: options.timeoutMs ?? 10_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end(options.body);
  });
}
