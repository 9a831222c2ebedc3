import type { RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config';

/**
 * How to reach Redis, from the configuration: a standalone `REDIS_URL`, Redis Sentinel
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or Redis Cluster (`REDIS_CLUSTER_NODES`). With
 * Sentinel or Cluster, `REDIS_URL` (optional) only lends its username, password, db and TLS
 * (`rediss:`) to the data nodes; its host is ignored. Sentinels are reached without auth.
 */
export type RedisConnection =
  | { mode: 'standalone'; url: string }
  | { mode: 'sentinel'; options: RedisOptions }
  | {
      mode: 'cluster';
      nodes: { host: string; port: number }[];
      /** Options of every node connection. */
      options: RedisOptions;
    };

function credentialsOf(url: string | undefined): RedisOptions {
  if (url === undefined) return {};
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(/^\d+$/.test(db) && { db: Number(db) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  };
}

export function redisConnection(redis: RedisConfig): RedisConnection | undefined {
  if (redis.sentinels) {
    const credentials = credentialsOf(redis.url);
    return {
      mode: 'sentinel',
      options: {
        ...credentials,
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
      options: credentials,
    };
  }
  return redis.url === undefined ? undefined : { mode: 'standalone', url: redis.url };
}
