import type { Cluster, Redis } from 'ioredis';
import type { RedisConfig } from '../config';
import type { Logger } from '../logger';
import { redisTarget } from './redis-options';

/**
 * What this process says in its log about Redis: one warning when something it needs from Redis
 * starts failing — naming the setting in use (REDIS_URL without its credentials, the sentinels,
 * the cluster nodes) and what to check — and one line when all of it works again. Never a line per
 * command, per connection or per reconnect attempt: an outage, a Sentinel failover or a Cluster
 * failover is two lines however many connections and requests it touches.
 *
 * What fails is a set of sources: connections followed with `watch` (lost: down; ready: up) and
 * what the store marks itself (a node whose commands time out). Redis is down while any source is.
 */
export interface RedisHealth {
  /**
   * Follows a connection: a failed attempt to (re)connect is down, ready is up, closed on
   * purpose is forgotten.
   */
  watch(client: Redis | Cluster, label: string): void;
  down(source: string, reason: string): void;
  up(source: string): void;
}

/** What to check, per topology. */
const CHECK = {
  REDIS_URL:
    'check that Redis runs at that address and accepts this host (host, port, firewall, password, TLS)',
  REDIS_SENTINELS:
    'check that the sentinels run and know the master by that name, and that the master they name accepts this host (firewall, password, TLS)',
  REDIS_CLUSTER_NODES:
    'check that the nodes run and every slot is served (redis-cli --cluster check <node>): a failed master comes back when its replica takes over',
} as const;

export function createRedisHealth(
  redis: RedisConfig,
  logger: Logger,
  now: () => number = Date.now,
): RedisHealth {
  const { key, value } = redisTarget(redis);
  const shown = `${key}=${value}${key === 'REDIS_SENTINELS' ? ` (master "${redis.sentinelName}")` : ''}`;
  const failing = new Map<unknown, string>();
  let since = 0;

  const down = (source: unknown, label: string, reason: string) => {
    if (failing.has(source)) return;
    failing.set(source, label);
    if (failing.size > 1) return;
    since = now();
    logger.warn(
      { redis: shown, source: label, reason },
      `Redis unavailable (${shown}): ${label}: ${reason}. Requests that need it answer 503 store.unavailable until it is back; ${CHECK[key]}`,
    );
  };
  const up = (source: unknown, quietly = false) => {
    if (!failing.delete(source) || failing.size > 0 || quietly) return;
    const seconds = Math.round((now() - since) / 100) / 10;
    logger.info({ redis: shown, downSeconds: seconds }, `Redis available again after ${seconds} s`);
  };

  return {
    watch(client, label) {
      // An error while not connected: an attempt to (re)connect failed. A connection lost and
      // made again at once is no outage.
      client.on('error', (error: Error) => {
        if (client.status !== 'ready') down(client, `${label} connection`, error.message);
      });
      client.on('ready', () => up(client));
      // Closed on purpose (shutdown): neither down nor back.
      client.on('end', () => up(client, true));
    },
    down: (source, reason) => down(source, source, reason),
    up: (source) => up(source),
  };
}

const LOST_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const LOST_CONNECTION_MESSAGES =
  /^(Connection is closed|Stream isn't writeable|Command timed out|All sentinels are unreachable|Failed to refresh slots cache|None of startup nodes is available|Too many Cluster redirections|CLUSTERDOWN|TRYAGAIN|READONLY|LOADING|MASTERDOWN|UNBLOCKED)/;

/**
 * True for an error of a connection that is lost or does not answer — what the followed
 * connections already report — rather than an error of the work itself.
 */
export function isConnectionTrouble(error: Error): boolean {
  const { code } = error as NodeJS.ErrnoException;
  return (
    (code !== undefined && LOST_CONNECTION_CODES.has(code)) ||
    LOST_CONNECTION_MESSAGES.test(error.message)
  );
}
