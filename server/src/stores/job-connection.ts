import { Cluster, Redis } from 'ioredis';
import type { RedisConfig } from '../config';
import { redisConnection } from './redis-options';

/**
 * Redis connections for the job engine (BullMQ), built from the same configuration as the store
 * (standalone, Sentinel or Cluster). Unlike the store's, a job connection waits for Redis instead
 * of failing a command (`maxRetriesPerRequest: null`), as BullMQ's blocking reads require; the
 * job engine's keys live under their own prefix, with a hash tag so that Redis Cluster keeps one
 * queue's keys in one slot.
 */
export function createJobConnection(config: RedisConfig): Redis | Cluster {
  const connection = redisConnection(config);
  if (!connection) throw new Error('the job engine needs Redis');
  const waiting = { maxRetriesPerRequest: null, lazyConnect: true } as const;
  if (connection.mode === 'cluster') {
    return new Cluster(connection.nodes, {
      lazyConnect: true,
      redisOptions: { ...connection.options, ...waiting },
    });
  }
  if (connection.mode === 'sentinel') return new Redis({ ...connection.options, ...waiting });
  return new Redis(connection.url, waiting);
}

/** The job engine's key prefix: the store's prefix, in a hash tag. */
export function jobKeyPrefix(config: RedisConfig): string {
  return `{${config.keyPrefix}jobs}`;
}
