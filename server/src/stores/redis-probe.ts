import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { type RedisConfig, usesRedis } from '../config';
import { type RedisTarget, redisConnection, redisTarget } from './redis-options';

/**
 * One fresh connection attempt to the configured Redis that says *why* it fails: a wrong or
 * missing password (a configuration error: fix REDIS_URL) is told apart from a Redis that cannot
 * be reached. The store's own connection cannot say it: without an offline queue its commands
 * fail with "Stream isn't writeable" whatever the cause. Used by the doctor and the CLIs; never
 * shows the password.
 */

export type StoreProblem = 'wrong_password' | 'password_missing' | 'tls' | 'unreachable' | 'failed';

export type StoreHealth =
  | { kind: 'memory' }
  | (RedisTarget & {
      kind: 'redis';
      problem?: StoreProblem;
      /** Redis's or the network's own words, when there is a problem. */
      reason?: string;
    });

const MAX_REASON_LENGTH = 200;

function passwordOf(url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? '').password) || undefined;
  } catch {
    return undefined;
  }
}

/** The first message that names a cause; "Connection is closed" alone says nothing. */
function classify(messages: readonly string[]): { problem: StoreProblem; reason: string } {
  const find = (pattern: RegExp) => messages.find((message) => pattern.test(message));
  const wrong = find(/WRONGPASS|invalid password|invalid username-password/i);
  if (wrong) return { problem: 'wrong_password', reason: wrong };
  const missing = find(/NOAUTH|Authentication required/i);
  if (missing) return { problem: 'password_missing', reason: missing };
  const tls = find(/certificate|self[- ]signed|unable to verify|wrong version number|SSL|TLS/i);
  if (tls) return { problem: 'tls', reason: tls };
  const network = find(
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|unreachable|no answer within|startup nodes|slots cache/i,
  );
  if (network) return { problem: 'unreachable', reason: network };
  const closed = find(/Connection is closed/i);
  if (closed) return { problem: 'unreachable', reason: closed };
  return { problem: 'failed', reason: messages[0] ?? 'unknown error' };
}

/** Connects once (no reconnect loop), PINGs and disconnects, within `timeoutMs`. */
export async function probeStore(
  redis: RedisConfig,
  options: { timeoutMs?: number } = {},
): Promise<StoreHealth> {
  if (!usesRedis(redis)) return { kind: 'memory' };
  const { timeoutMs = 2000 } = options;
  const where = redisTarget(redis);
  const connection = redisConnection(redis)!;
  const once: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  };
  const client =
    connection.mode === 'cluster'
      ? new Cluster(connection.nodes, {
          lazyConnect: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: () => null,
          redisOptions: { ...connection.options, ...once },
        })
      : connection.mode === 'sentinel'
        ? new Redis({ ...connection.options, ...once })
        : new Redis(connection.url, { ...connection.options, ...once });
  const messages = await attempt(client, timeoutMs);
  if (messages.length === 0) return { kind: 'redis', ...where };
  if (connection.mode !== 'standalone') {
    // ioredis keeps why a sentinel or a seed node failed to itself ("All sentinels are
    // unreachable", "Failed to refresh slots cache"): ask the first one directly, with the same
    // TLS and credentials, to hear it (a certificate refused, a wrong password).
    const first =
      connection.mode === 'sentinel'
        ? { ...connection.options.sentinels![0], tls: connection.options.sentinelTLS }
        : { ...connection.options, ...connection.nodes[0] };
    messages.push(...(await attempt(new Redis({ ...first, ...once }), timeoutMs)));
  }
  const { problem, reason } = classify(messages);
  const password = passwordOf(redis.url);
  const shown = password ? reason.replaceAll(password, '***') : reason;
  return { kind: 'redis', ...where, problem, reason: shown.slice(0, MAX_REASON_LENGTH) };
}

/** Connects `client` once and PINGs it within `timeoutMs`: the errors met, none when it answered. */
async function attempt(client: Redis | Cluster, timeoutMs: number): Promise<string[]> {
  const messages: string[] = [];
  const note = (error: unknown) => {
    const { message, lastNodeError } = error as { message?: string; lastNodeError?: Error };
    if (lastNodeError?.message) messages.push(lastNodeError.message);
    if (message) messages.push(message);
  };
  client.on('error', note);
  // The node connections of a cluster report their own errors (a wrong password among them).
  client.on('node error', note);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return [];
  } catch (error) {
    note(error);
    return messages;
  } finally {
    clearTimeout(timer);
    client.removeAllListeners('error');
    client.on('error', () => {});
    client.disconnect();
  }
}

/** One English line for the CLIs, naming the key to fix; undefined when the store is fine. */
export function describeStoreProblem(health: StoreHealth): string | undefined {
  if (health.kind === 'memory' || !health.problem) return undefined;
  const { target, key, reason } = health;
  switch (health.problem) {
    case 'wrong_password':
      return `configuration error: Redis at ${target} refused the password in REDIS_URL (${reason}); put the password Redis expects into REDIS_URL (redis://[user]:PASSWORD@host:port).`;
    case 'password_missing':
      return `configuration error: Redis at ${target} needs a password and REDIS_URL holds none (${reason}); put it into REDIS_URL (redis://[user]:PASSWORD@host:port).`;
    case 'tls':
      return `configuration error: TLS to Redis at ${target} (${key}) failed (${reason}); if its certificate is not trusted, set REDIS_TLS_CA_FILE to the CA that signed it, and check that ${key} names Redis's TLS port and REDIS_URL starts with rediss://.`;
    case 'unreachable':
      return `Redis at ${target} (${key}) is unreachable (${reason}); start it, or correct the host and port in ${key}.`;
    default:
      return `Redis at ${target} (${key}) failed: ${reason}; check ${key}.`;
  }
}
