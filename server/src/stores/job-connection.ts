import type { Queue, Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { RedisConfig } from '../config';
import type { Logger } from '../logger';
import { isConnectionTrouble, type RedisHealth } from './redis-health';
import { redisConnection } from './redis-options';

/**
 * Redis connections for the job engine (BullMQ), built from the same configuration as the store
 * (standalone, Sentinel or Cluster). Unlike the store's, a job connection waits for Redis instead
 * of failing a command (`maxRetriesPerRequest: null`), as BullMQ's blocking reads require; the
 * job engine's keys live under their own prefix, with a hash tag so that Redis Cluster keeps one
 * queue's keys in one slot. Its losses and returns go to `health`, the store's account.
 */
export function createJobConnection(config: RedisConfig, health: RedisHealth): Redis | Cluster {
  const connection = redisConnection(config);
  if (!connection) throw new Error('the job engine needs Redis');
  const waiting = { maxRetriesPerRequest: null, lazyConnect: true } as const;
  const client =
    connection.mode === 'cluster'
      ? new Cluster(connection.nodes, {
          lazyConnect: true,
          redisOptions: { ...connection.options, ...waiting },
        })
      : connection.mode === 'sentinel'
        ? new Redis({ ...connection.options, ...waiting })
        : new Redis(connection.url, { ...connection.options, ...waiting });
  health.watch(client, 'job engine');
  // BullMQ duplicates a worker's connection for its blocking reads; the copies are dropped with
  // the original (see closeJobEngine).
  const duplicate = client.duplicate.bind(client) as (...args: unknown[]) => Redis | Cluster;
  client.duplicate = ((...args: unknown[]) => {
    const copy = duplicate(...args);
    copiesOf.set(client, [...(copiesOf.get(client) ?? []), copy]);
    return copy;
  }) as typeof client.duplicate;
  return client;
}

/** The duplicates made of each job connection. */
const copiesOf = new WeakMap<Redis | Cluster, (Redis | Cluster)[]>();

/** The job engine's key prefix: the store's prefix, in a hash tag. */
export function jobKeyPrefix(config: RedisConfig): string {
  return `{${config.keyPrefix}jobs}`;
}

/**
 * Logs a job engine's queue and worker errors as `<label> queue|worker error`: a lost connection
 * is the Redis health's to tell, once per outage (debug here); anything else is news (warn).
 */
export function reportJobErrors(logger: Logger, label: string, queue: Queue, worker: Worker): void {
  const report = (what: string) => (error: Error) =>
    logger[isConnectionTrouble(error) ? 'debug' : 'warn'](
      { err: error.message },
      `${label} ${what} error`,
    );
  queue.on('error', report('queue'));
  worker.on('error', report('worker'));
}

/**
 * Closes a job engine's queue and worker within `waitMs` (after `first`, e.g. a scheduler being
 * set), then its connections. BullMQ's close waits for the running jobs, and a job's commands wait
 * for a connection that may not come back (a Redis node gone): past the wait the queue and the
 * worker drop their connections, which fails those commands, so that the worker stops its timers
 * (lock renewal) instead of keeping the process alive. Dropping them is bounded by `waitMs` too:
 * BullMQ's `disconnect` first waits for its connection to have been set up, which a connection
 * made while a Sentinel master was down never was (a test saw a close wait for good, and the
 * copy's reconnect loop kept the process alive): the connections and the copies BullMQ made of
 * them are then dropped here, whatever BullMQ still waits for.
 */
export async function closeJobEngine(
  engine: { queue: Queue; worker: Worker; connections: readonly (Redis | Cluster)[] },
  options: { waitMs: number; first?: Promise<unknown>; onLate: () => void },
): Promise<void> {
  const { queue, worker, connections } = engine;
  const closed = (async () => {
    await options.first;
    await worker.close();
    await queue.close();
  })();
  if ((await within(closed, options.waitMs)) === 'late') {
    options.onLate();
    await within(Promise.allSettled([worker.disconnect(), queue.disconnect()]), options.waitMs);
  }
  for (const connection of connections) {
    connection.disconnect();
    for (const copy of copiesOf.get(connection) ?? []) copy.disconnect();
  }
}

/** Waits for `promise` (settled either way) at most `ms`. */
export async function within(promise: Promise<unknown>, ms: number): Promise<'settled' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const settled = promise.then(
    () => 'settled' as const,
    () => 'settled' as const,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
