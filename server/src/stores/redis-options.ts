import type { ConnectionOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import { type RedisConfig, withoutCredentials } from '../config';

/**
 * How to reach Redis, from the configuration: a standalone `REDIS_URL`, Redis Sentinel
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or Redis Cluster (`REDIS_CLUSTER_NODES`). With
 * Sentinel or Cluster, `REDIS_URL` (optional) only lends its username, password, db and TLS
 * (`rediss:`) to the data nodes; its host is ignored. Sentinels are reached without auth, and
 * with TLS when the data nodes use it. `REDIS_TLS_CA_FILE` names the CA that every certificate
 * must chain to (the system's CAs otherwise).
 */
export type RedisConnection =
  | { mode: 'standalone'; url: string; options: RedisOptions }
  | { mode: 'sentinel'; options: RedisOptions }
  | {
      mode: 'cluster';
      nodes: { host: string; port: number }[];
      /** Options of every node connection. */
      options: RedisOptions;
    };

/** Where the configuration says Redis is: the key, and its value as it may be shown. */
export interface RedisTarget {
  key: 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_CLUSTER_NODES';
  /** The key's value without credentials, e.g. `redis://***@10.0.0.5:6379/2` or `n1:7000,n2:7000`. */
  value: string;
  /** What that is, e.g. `Sentinel master gate via s1:26379,s2:26379`. */
  target: string;
}

export function redisTarget(redis: RedisConfig): RedisTarget {
  const list = (nodes: RedisConfig['clusterNodes']) =>
    (nodes ?? []).map(({ host, port }) => `${host}:${port}`).join(',');
  if (redis.sentinels) {
    const value = list(redis.sentinels);
    return {
      key: 'REDIS_SENTINELS',
      value,
      target: `Sentinel master ${redis.sentinelName} via ${value}`,
    };
  }
  if (redis.clusterNodes) {
    const value = list(redis.clusterNodes);
    return { key: 'REDIS_CLUSTER_NODES', value, target: `Cluster ${value}` };
  }
  const value = withoutCredentials(redis.url ?? '');
  return { key: 'REDIS_URL', value, target: value };
}

function credentialsOf(url: string | undefined): RedisOptions {
  if (url === undefined) return {};
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(/^\d+$/.test(db) && { db: Number(db) }),
  };
}

/** TLS options with `rediss:` (the configured CA, else the system's); undefined without. */
function tlsOf(redis: RedisConfig): ConnectionOptions | undefined {
  if (!redis.url?.startsWith('rediss:')) return undefined;
  return redis.tlsCa === undefined ? {} : { ca: redis.tlsCa };
}

export function redisConnection(redis: RedisConfig): RedisConnection | undefined {
  const tls = tlsOf(redis);
  if (redis.sentinels) {
    return {
      mode: 'sentinel',
      options: {
        ...credentialsOf(redis.url),
        // Without enableTLSForSentinelMode ioredis speaks plain text to the master it is given.
        ...(tls && { tls, enableTLSForSentinelMode: true, sentinelTLS: tls }),
        sentinels: redis.sentinels.map(({ host, port }) => ({ host, port })),
        name: redis.sentinelName,
      },
    };
  }
  if (redis.clusterNodes) {
    const { db: _db, ...credentials } = credentialsOf(redis.url);
    return {
      mode: 'cluster',
      nodes: redis.clusterNodes.map(({ host, port }) => ({ host, port })),
      options: { ...credentials, ...(tls && { tls }) },
    };
  }
  // The URL carries the credentials and db itself; `rediss:` alone makes ioredis use TLS.
  return redis.url === undefined
    ? undefined
    : { mode: 'standalone', url: redis.url, options: tls ? { tls } : {} };
}
