import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Simulator } from '../../server/src/sandbox';
import { entryPoint, TSX_HOOK, withoutEnvFile } from './entry-points';
import { recordResponse, registerSecret, registerSecretSource } from './leak-check';
import { freePort } from './redis-process';

/** The gateway as its own process (`server/src/index.ts`), production config, real listener. */
export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  request<T = unknown>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; headers: Headers; body: T; text: string }>;
  login(userid: string): Promise<string>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The server in one node process (its pid is the server's), as `npm start` runs it. */
const SERVER_ARGS = ['--require', TSX_HOOK, entryPoint('server/src/index.ts')];
export const PROCESS_JWT_SECRET = 'process-test-jwt-secret-0123456789abcdef';

const running: GatewayProcess[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.stop()));
});

export async function startGatewayProcess(options: {
  simulator: Simulator;
  /** Omit for Sentinel or Cluster (give their keys in `env`). */
  redisUrl?: string;
  prefix: string;
  env?: Record<string, string>;
  /** Collects the process's log lines (stdout), one JSON line each. */
  log?: string[];
}): Promise<GatewayProcess> {
  const { simulator } = options;
  const wecom = simulator.wecomConfig();
  const port = await freePort();
  registerSecret(PROCESS_JWT_SECRET);
  registerSecretSource(() => simulator.issuedSecrets());
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: withoutEnvFile(),
    stdio: ['ignore', options.log ? 'pipe' : 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      WECOM_CORP_ID: wecom.corpId,
      WECOM_APP_SECRET: wecom.secrets.app,
      WECOM_CONTACT_SECRET: wecom.secrets.contact,
      WECOM_DIRECTORY_SECRET: wecom.secrets.directory,
      WECOM_API_BASE: wecom.apiBase,
      WECOM_TIMEOUT_MS: '2000',
      ...(options.redisUrl && { REDIS_URL: options.redisUrl }),
      REDIS_KEY_PREFIX: options.prefix,
      JWT_SECRET: PROCESS_JWT_SECRET,
      LOG_LEVEL: 'warn',
      // Tests log in often from one IP; the rate-limit tests set their own limits.
      RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
      ...options.env,
    },
  });
  if (options.log) {
    const log = options.log;
    createInterface({ input: child.stdout! }).on('line', (line) => log.push(line));
  }
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${stderr}`);
    const up = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`gateway did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const gateway: GatewayProcess = {
    url,
    child,
    exited,
    async request(method, requestPath, requestOptions = {}) {
      const headers: Record<string, string> = {};
      if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
      let body: string | undefined;
      if (requestOptions.body !== undefined) {
        body = JSON.stringify(requestOptions.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(url + requestPath, { method, headers, body });
      const text = await response.text();
      recordResponse(`${method} ${requestPath} → ${response.status}`, response.headers, text);
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : undefined) as never,
        text,
      };
    },
    async login(userid) {
      const answer = await gateway.request<{ token: string }>('POST', '/api/sessions', {
        body: { code: simulator.issueLoginCode(userid) },
      });
      if (answer.status !== 201) throw new Error(`login failed: ${answer.status} ${answer.text}`);
      return answer.body.token;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await exited;
        clearTimeout(force);
        return code;
      }
      return exited;
    },
  };
  running.push(gateway);
  return gateway;
}

/**
 * `server/src/index.ts` with exactly this environment (plus PATH), in `cwd` (default: a folder
 * without `.env`); for start-up behaviour.
 */
export interface ServerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first JSON log line whose `msg` is `message`. */
  logLine(message: string): Promise<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

export function runServer(env: Record<string, string>, cwd = withoutEnvFile()): ServerProcess {
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const server: ServerProcess = {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async logLine(message) {
      for (;;) {
        for (const line of stdout.split('\n')) {
          if (!line.startsWith('{')) continue;
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.msg === message) return entry;
        }
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
  servers.push(server);
  return server;
}
