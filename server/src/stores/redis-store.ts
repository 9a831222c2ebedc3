import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConnection } from './redis-options';
import { type Counter, compareStreamIds, type Store, StoreUnavailableError } from './store';

/**
 * The shared store. Every command is bounded: `commandTimeout` for a Redis that hangs, no offline
 * queue so that a disconnected Redis fails at once, and ioredis keeps reconnecting in the
 * background so the server recovers by itself when Redis comes back. Once a command has timed
 * out, Redis counts as hung: further commands fail at once, without being sent, until a PING in
 * the background is answered — so a request waits at most one command timeout for the store,
 * however many commands it would have made.
 */
export interface RedisStoreOptions {
  /** A standalone Redis URL, or a connection from `redisConnection(config.redis)`. */
  url: string | RedisConnection;
  keyPrefix: string;
  logger: Logger;
  commandTimeoutMs?: number;
  /** Extra ioredis options, e.g. `sentinels` or `name` for Redis Sentinel. */
  redisOptions?: RedisOptions;
}

/** ioredis's rejection when `commandTimeout` passes without an answer. */
const COMMAND_TIMED_OUT = 'Command timed out';
/** Pause between background PINGs while Redis counts as hung. */
const PROBE_INTERVAL_MS = 250;

const DELETE_IF_EQUALS = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

const EXTEND_IF_EQUALS = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;

/** INCRBY with a window set by the first increment; answers {count, ms left}. */
const INCREMENT = `
local count = redis.call('incrby', KEYS[1], ARGV[2])
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then
  redis.call('pexpire', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/** GET KEYS[1]; only when it exists, INCREMENT KEYS[2]: {value, count, ms left} or {}. */
const GET_AND_INCREMENT = `
local value = redis.call('get', KEYS[1])
if not value then return {} end
local count = redis.call('incr', KEYS[2])
local ttl = redis.call('pttl', KEYS[2])
if ttl < 0 then
  redis.call('pexpire', KEYS[2], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, count, ttl}`;

/**
 * Slots: KEYS[1] a sorted set of holders scored by when their slot ends (Redis's clock, so that
 * instances' clocks need not agree), KEYS[2] the counter; ARGV: limit, ms, holders. Drops ended
 * slots, then takes or renews a slot for each holder in turn while counter + slots < limit:
 * {how many, count, counter ms left}.
 */
const TAKE_SLOTS = `
local time = redis.call('time')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
local count = tonumber(redis.call('get', KEYS[2]) or 0)
local left = math.max(redis.call('pttl', KEYS[2]), 0)
local taken = 0
for i = 3, #ARGV do
  if not redis.call('zscore', KEYS[1], ARGV[i]) and count + redis.call('zcard', KEYS[1]) >= limit then
    break
  end
  redis.call('zadd', KEYS[1], now + ttl, ARGV[i])
  taken = taken + 1
end
if taken > 0 and redis.call('pttl', KEYS[1]) < ttl then redis.call('pexpire', KEYS[1], ttl) end
return {taken, count, left}`;

/** SADD, and a lifetime of at least ARGV[2] ms. */
const ADD_TO_SET = `
redis.call('sadd', KEYS[1], ARGV[1])
if redis.call('pttl', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('pexpire', KEYS[1], ARGV[2])
end
return 1`;

/**
 * XADD each value (ARGV[3..]) under an id Redis makes; then drops entries below the id ARGV[1]
 * ('' = none) and beyond the newest ARGV[2] (0 = all). Before each trim the newest entry it
 * drops is deleted with XDEL, which makes it the stream's max-deleted-entry-id (XTRIM leaves
 * that field alone): readers compare their position with it. Cheap: a seek and nothing else
 * while nothing is old enough.
 */
const STREAM_APPEND = `
local ids = {}
for i = 3, #ARGV do
  ids[#ids + 1] = redis.call('xadd', KEYS[1], '*', 'v', ARGV[i])
end
if ARGV[1] ~= '' then
  local last = redis.call('xrevrange', KEYS[1], '(' .. ARGV[1], '-', 'COUNT', 1)
  if #last > 0 then
    redis.call('xdel', KEYS[1], last[1][1])
    redis.call('xtrim', KEYS[1], 'MINID', ARGV[1])
  end
end
local keep = tonumber(ARGV[2])
if keep > 0 then
  local excess = redis.call('xlen', KEYS[1]) - keep
  if excess > 0 then
    local dropped = redis.call('xrange', KEYS[1], '-', '+', 'COUNT', excess)
    redis.call('xdel', KEYS[1], dropped[#dropped][1])
    redis.call('xtrim', KEYS[1], 'MAXLEN', keep)
  end
end
return ids`;

/**
 * In one step: the stream's max-deleted-entry-id, and up to ARGV[3] entries from ARGV[2]
 * (XRANGE for ARGV[1] 'asc', XREVRANGE otherwise): {trimmed through, {{id, {'v', value}}, …}}.
 */
const STREAM_RANGE = `
if redis.call('exists', KEYS[1]) == 0 then return {'0-0', {}} end
local info = redis.call('xinfo', 'stream', KEYS[1])
local trimmed = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'max-deleted-entry-id' then trimmed = info[i + 1] end
end
local entries
if ARGV[1] == 'asc' then
  entries = redis.call('xrange', KEYS[1], ARGV[2], '+', 'COUNT', ARGV[3])
else
  entries = redis.call('xrevrange', KEYS[1], ARGV[2], '-', 'COUNT', ARGV[3])
end
return {trimmed, entries}`;

/** HSETNX of each field/value pair in ARGV; answers the fields it set. */
const HASH_SET_IF_ABSENT = `
local added = {}
for i = 1, #ARGV, 2 do
  if redis.call('hsetnx', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    added[#added + 1] = ARGV[i]
  end
end
return added`;

type RedisWithCommands = (Redis | Cluster) & {
  deleteIfEquals(key: string, expected: string): Promise<number>;
  extendIfEquals(key: string, expected: string, ttlMs: number): Promise<number>;
  incrementWindow(key: string, windowMs: number, by: number): Promise<[number, number]>;
  getAndIncrement(
    key: string,
    counterKey: string,
    windowMs: number,
  ): Promise<[] | [string, number, number]>;
  takeSlots(
    key: string,
    counterKey: string,
    limit: number,
    ttlMs: number,
    ...holders: string[]
  ): Promise<[number, number, number]>;
  addToSet(key: string, member: string, ttlMs: number): Promise<number>;
  streamAppend(
    key: string,
    minId: string,
    maxLength: number,
    ...values: string[]
  ): Promise<string[]>;
  streamRange(
    key: string,
    order: 'asc' | 'desc',
    start: string,
    count: number,
  ): Promise<[string, [string, string[]][]]>;
  hashSetIfAbsent(key: string, ...fieldsAndValues: string[]): Promise<string[]>;
};

const ms = (value: number) => Math.max(1, Math.ceil(value));

export async function createRedisStore(options: RedisStoreOptions): Promise<Store> {
  const { url, keyPrefix, logger, commandTimeoutMs = 500 } = options;
  const connection: RedisConnection = typeof url === 'string' ? { mode: 'standalone', url } : url;
  const bounded: RedisOptions = {
    lazyConnect: true,
    // Concurrent requests' commands leave in one write: fewer syscalls under load.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  };
  const redis = (
    connection.mode === 'cluster'
      ? new Cluster(connection.nodes, {
          keyPrefix,
          lazyConnect: true,
          enableOfflineQueue: false,
          enableAutoPipelining: true,
          clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
          redisOptions: { ...bounded, ...connection.options, ...options.redisOptions },
        })
      : connection.mode === 'sentinel'
        ? new Redis({ keyPrefix, ...bounded, ...connection.options, ...options.redisOptions })
        : new Redis(connection.url, { keyPrefix, ...bounded, ...options.redisOptions })
  ) as RedisWithCommands;
  // Keys of one MGET must share a hash slot in a cluster: read them one by one there.
  const getMany = (keys: readonly string[]): Promise<(string | null)[]> =>
    keys.length === 0
      ? Promise.resolve([])
      : connection.mode === 'cluster'
        ? Promise.all(keys.map((key) => redis.get(key)))
        : redis.mget(...keys);
  redis.defineCommand('deleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });
  redis.defineCommand('extendIfEquals', { numberOfKeys: 1, lua: EXTEND_IF_EQUALS });
  redis.defineCommand('incrementWindow', { numberOfKeys: 1, lua: INCREMENT });
  redis.defineCommand('getAndIncrement', { numberOfKeys: 2, lua: GET_AND_INCREMENT });
  redis.defineCommand('takeSlots', { numberOfKeys: 2, lua: TAKE_SLOTS });
  redis.defineCommand('addToSet', { numberOfKeys: 1, lua: ADD_TO_SET });
  redis.defineCommand('streamAppend', { numberOfKeys: 1, lua: STREAM_APPEND });
  redis.defineCommand('streamRange', { numberOfKeys: 1, lua: STREAM_RANGE });
  redis.defineCommand('hashSetIfAbsent', { numberOfKeys: 1, lua: HASH_SET_IF_ABSENT });

  // Pub/sub needs a connection of its own; made on the first subscribe. Channel names carry the
  // key prefix by hand (ioredis prefixes keys, not channels).
  let subscriber: Redis | Cluster | undefined;
  const handlers = new Map<string, Set<(message: string) => void>>();
  const subscriberConnection = (): Redis | Cluster => {
    if (subscriber) return subscriber;
    const made: Redis | Cluster = (redis as Redis).duplicate();
    made.on('error', (error: Error) => report('subscriber unreachable', error));
    made.on('message', (channel: string, message: string) => {
      for (const handler of handlers.get(channel) ?? []) handler(message);
    });
    subscriber = made;
    return made;
  };

  let lastState = '';
  const report = (state: string, error?: Error) => {
    if (state === lastState) return;
    lastState = state;
    if (error) logger.warn({ err: error.message }, `redis ${state}`);
    else logger.info(`redis ${state}`);
  };
  redis.on('ready', () => report('ready'));
  redis.on('error', (error) => report('unreachable', error));

  // Not fatal: ioredis keeps retrying; calls answer store.unavailable until it is back. Bounded,
  // because with Sentinel or Cluster the first connect waits for as long as nothing answers.
  let startTimer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_resolve, reject) => {
        startTimer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
      }),
    ]);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'redis not reachable at start');
  } finally {
    clearTimeout(startTimer);
  }

  let hung = false;
  let closed = false;
  let probe: NodeJS.Timeout | undefined;
  const probeSoon = () => {
    probe = setTimeout(async () => {
      try {
        await redis.ping();
        hung = false;
        logger.info('redis answers again');
      } catch {
        if (!closed) probeSoon();
      }
    }, PROBE_INTERVAL_MS);
    probe.unref();
  };
  /** Notes a command that timed out (itself, or as the cause of a wrapped error). */
  const noteFailure = (error: unknown) => {
    const timedOut = [error, (error as Error | undefined)?.cause].some(
      (candidate) => (candidate as Error | undefined)?.message === COMMAND_TIMED_OUT,
    );
    if (!timedOut || hung || closed) return;
    hung = true;
    logger.warn(
      `redis did not answer within ${commandTimeoutMs} ms: failing store calls at once until it answers a PING`,
    );
    probeSoon();
  };
  const refuseWhileHung = (operation: string) => {
    if (hung)
      throw new StoreUnavailableError(
        `redis ${operation} not sent: an earlier command timed out and Redis has not answered since`,
      );
  };

  async function run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    refuseWhileHung(operation);
    try {
      return await command();
    } catch (error) {
      noteFailure(error);
      throw new StoreUnavailableError(`redis ${operation} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  return {
    get: (key) => run('get', () => redis.get(key)),
    getMany: (keys) => run('mget', () => getMany(keys)),
    set: (key, value, ttlMs) =>
      run('set', async () => {
        await redis.set(key, value, 'PX', ms(ttlMs));
      }),
    setIfAbsent: (key, value, ttlMs) =>
      run('set nx', async () => (await redis.set(key, value, 'PX', ms(ttlMs), 'NX')) === 'OK'),
    delete: (...keys) =>
      run('del', async () => {
        // One UNLINK per key: keys of one command must share a hash slot in a cluster. UNLINK
        // frees a large hash or sorted set (an org snapshot's) in the background.
        if (keys.length > 0) await Promise.all(keys.map((key) => redis.unlink(key)));
      }),
    deleteIfEquals: (key, expected) =>
      run('delete if equals', async () => (await redis.deleteIfEquals(key, expected)) === 1),
    extendIfEquals: (key, expected, ttlMs) =>
      run(
        'extend if equals',
        async () => (await redis.extendIfEquals(key, expected, ms(ttlMs))) === 1,
      ),
    increment: (key, windowMs, by = 1) =>
      run('increment', async (): Promise<Counter> => {
        const [count, ttlMs] = await redis.incrementWindow(key, ms(windowMs), by);
        return { count, ttlMs };
      }),
    readCounter: (key) =>
      run('read counter', async (): Promise<Counter> => {
        const [value, ttlMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
        return value === null ? { count: 0, ttlMs: 0 } : { count: Number(value), ttlMs };
      }),
    getAndIncrement: (key, counterKey, windowMs) =>
      run('get and increment', async () => {
        const answer = await redis.getAndIncrement(key, counterKey, ms(windowMs));
        if (answer.length === 0) return { value: null };
        const [value, count, ttlMs] = answer;
        return { value, counter: { count, ttlMs } };
      }),
    takeSlots: (key, holders, { counterKey, limit, ttlMs }) =>
      run('take slots', async () => {
        const [taken, count, left] = await redis.takeSlots(
          key,
          counterKey,
          limit,
          ms(ttlMs),
          ...holders,
        );
        return { taken, counter: { count, ttlMs: left } };
      }),
    releaseSlot: (key, holder) =>
      run('release slot', async () => {
        await redis.zrem(key, holder);
      }),
    addToSet: (key, member, ttlMs) =>
      run('add to set', async () => {
        await redis.addToSet(key, member, ms(ttlMs));
      }),
    setMembers: (key) => run('set members', () => redis.smembers(key)),
    // Uniqueness of stream ids, also across a failover: Redis makes each id from its clock,
    // `<ms>-<n>` with ms = max(now, the stream's last ms) and n counting within one ms, so on one
    // master ids only grow, even after every entry was trimmed. A replica promoted after missing
    // the last appends holds an older last id, but its clock has moved on: the failover itself
    // takes seconds (the master must be seen down first), so the first id it makes lies above
    // every id the lost master gave out, as long as the two clocks differ by less than that
    // time (NTP keeps them within milliseconds). A counter (INCR) has no such floor: the promoted
    // replica would hand out the lost numbers again. (Writes that a cut-off master still took
    // after the promotion are lost with it, whatever the ids; min-replicas-to-write bounds them.)
    streamAppend: (key, values, trim = {}) =>
      run('stream append', async () =>
        values.length === 0
          ? []
          : redis.streamAppend(key, trim.minId ?? '', trim.maxLength ?? 0, ...values),
      ),
    streamRange: (key, range, count) =>
      run('stream range', async () => {
        // Nothing lies below 0-0 (and XREVRANGE refuses an end below it).
        if ('before' in range && range.before && compareStreamIds(range.before, '0-0') <= 0)
          return { entries: [], trimmedThrough: '0-0' };
        const [trimmedThrough, raw] =
          'after' in range
            ? await redis.streamRange(
                key,
                'asc',
                range.after === '0' ? '-' : `(${range.after}`,
                count,
              )
            : await redis.streamRange(key, 'desc', range.before ? `(${range.before}` : '+', count);
        return {
          trimmedThrough,
          entries: raw.map(([id, fields]) => ({ id, value: fields[1] ?? '' })),
        };
      }),
    publish: (channel, message) =>
      run('publish', async () => {
        await redis.publish(`${keyPrefix}${channel}`, message);
      }),
    subscribe: (channel, handler) =>
      run('subscribe', async () => {
        const name = `${keyPrefix}${channel}`;
        const connection = subscriberConnection();
        const set = handlers.get(name) ?? new Set();
        handlers.set(name, set);
        set.add(handler);
        if (connection.status === 'wait') await connection.connect();
        if (set.size === 1) await connection.subscribe(name);
        return async () => {
          set.delete(handler);
          if (set.size === 0) {
            handlers.delete(name);
            await connection.unsubscribe(name).catch(() => undefined);
          }
        };
      }),
    removeFromSet: (key, member) =>
      run('remove from set', async () => {
        await redis.srem(key, member);
      }),
    hashSet: (key, fields) =>
      run('hash set', async () => {
        if (Object.keys(fields).length > 0) await redis.hset(key, fields);
      }),
    hashGet: (key, fields) =>
      run('hash get', async () => (fields.length === 0 ? [] : redis.hmget(key, ...fields))),
    hashScan: (key, cursor, count) =>
      run('hash scan', async () => {
        const [next, flat] = await redis.hscan(key, cursor, 'COUNT', count);
        const entries: [string, string][] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) entries.push([flat[i]!, flat[i + 1]!]);
        return { cursor: next, entries };
      }),
    hashDelete: (key, fields) =>
      run('hash delete', async () => {
        if (fields.length > 0) await redis.hdel(key, ...fields);
      }),
    hashSetIfAbsent: (key, fields) =>
      run('hash set if absent', async () => {
        const flat = Object.entries(fields).flat();
        return flat.length === 0 ? [] : redis.hashSetIfAbsent(key, ...flat);
      }),
    sortedAdd: (key, members) =>
      run('sorted add', async () => {
        if (members.length > 0) await redis.zadd(key, ...members.flatMap((m) => ['0', m]));
      }),
    sortedRemove: (key, members) =>
      run('sorted remove', async () => {
        if (members.length > 0) await redis.zrem(key, ...members);
      }),
    sortedRange: (key, after, below, limit) =>
      run('sorted range', () =>
        redis.zrangebylex(
          key,
          after === '' ? '-' : `(${after}`,
          below === null ? '+' : `(${below}`,
          'LIMIT',
          0,
          limit,
        ),
      ),
    sortedHas: (key, members) =>
      run('sorted has', async () =>
        members.length === 0
          ? []
          : (await redis.zmscore(key, ...members)).map((score) => score !== null),
      ),
    ping: () =>
      run('ping', async () => {
        await redis.ping();
      }),
    close: async () => {
      closed = true;
      clearTimeout(probe);
      subscriber?.disconnect();
      redis.removeAllListeners('error');
      redis.on('error', () => {});
      // QUIT only over a live connection; otherwise stop the reconnect loop at once.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
