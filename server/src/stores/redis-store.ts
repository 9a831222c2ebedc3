import { Cluster, Command, Redis, type RedisOptions, ReplyError } from 'ioredis';
import type { RedisHealth } from './redis-health';
import type { RedisConnection } from './redis-options';
import { type Counter, compareStreamIds, type Store, StoreUnavailableError } from './store';

/**
 * The shared store. Every command is bounded: `commandTimeout` for a Redis that hangs, no offline
 * queue so that a disconnected Redis fails at once, and ioredis keeps reconnecting in the
 * background so the server recovers by itself when Redis comes back.
 *
 * Once a command has timed out, the server that should have answered counts as hung: further
 * commands for it fail at once, without being sent, until it answers a PING in the background —
 * so a request waits at most one command timeout for the store, however many commands it would
 * have made. With Redis Cluster that server is the master of the key's slot, and only its keys
 * fail: a master that is hung, killed or unreachable (its connection lost, or commands that find
 * no answer within the deadline, redirections and retries included) fails the keys it serves,
 * each within the deadline, while the other masters answer; it is asked again every 250 ms, and
 * its keys work again as soon as it answers or the cluster has moved its slots to a replica.
 */
export interface RedisStoreOptions {
  /** A standalone Redis URL, or a connection from `redisConnection(config.redis)`. */
  url: string | RedisConnection;
  keyPrefix: string;
  /** Told when connections are lost and servers stop answering (the log's account). */
  health: RedisHealth;
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

/** How many keys one SCAN looks at while deleting by prefix: about one UNLINK batch's worth. */
const DELETE_PREFIX_BATCH = 500;

/** A SCAN MATCH pattern for the keys that start with `prefix`, its glob characters taken literally. */
const startsWithPattern = (prefix: string) => `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;

/** The owner of every key of a standalone or Sentinel Redis: its one master. */
const THE_SERVER = 'the server';

/** `host:port`, as ioredis names a cluster node in its slot table. */
const nodeKey = (node: Redis) => `${node.options.host}:${node.options.port}`;

export async function createRedisStore(options: RedisStoreOptions): Promise<Store> {
  const { url, keyPrefix, health, commandTimeoutMs = 500 } = options;
  const connection: RedisConnection =
    typeof url === 'string' ? { mode: 'standalone', url, options: {} } : url;
  const cluster = connection.mode === 'cluster';
  const bounded: RedisOptions = {
    lazyConnect: true,
    // Concurrent requests' commands leave in one write: fewer syscalls under load.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    ...connection.options,
    ...options.redisOptions,
  };
  const redis = (
    connection.mode === 'cluster'
      ? new Cluster(connection.nodes, {
          keyPrefix,
          lazyConnect: true,
          enableOfflineQueue: false,
          enableAutoPipelining: true,
          clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
          // Redirections and retries while a master fails over: a few, 100 ms apart; the call
          // itself ends at the deadline whatever ioredis still tries.
          maxRedirections: 4,
          retryDelayOnFailover: 100,
          retryDelayOnClusterDown: 100,
          retryDelayOnTryAgain: 100,
          slotsRefreshTimeout: commandTimeoutMs,
          redisOptions: bounded,
        })
      : connection.mode === 'sentinel'
        ? new Redis({ keyPrefix, ...bounded })
        : new Redis(connection.url, { keyPrefix, ...bounded })
  ) as RedisWithCommands;
  redis.defineCommand('deleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });
  redis.defineCommand('extendIfEquals', { numberOfKeys: 1, lua: EXTEND_IF_EQUALS });
  redis.defineCommand('incrementWindow', { numberOfKeys: 1, lua: INCREMENT });
  redis.defineCommand('getAndIncrement', { numberOfKeys: 2, lua: GET_AND_INCREMENT });
  redis.defineCommand('takeSlots', { numberOfKeys: 2, lua: TAKE_SLOTS });
  redis.defineCommand('addToSet', { numberOfKeys: 1, lua: ADD_TO_SET });
  redis.defineCommand('streamAppend', { numberOfKeys: 1, lua: STREAM_APPEND });
  redis.defineCommand('streamRange', { numberOfKeys: 1, lua: STREAM_RANGE });
  redis.defineCommand('hashSetIfAbsent', { numberOfKeys: 1, lua: HASH_SET_IF_ABSENT });
  health.watch(redis, 'store');

  // Pub/sub needs a connection of its own; made on the first subscribe. Channel names carry the
  // key prefix by hand (ioredis prefixes keys, not channels).
  let subscriber: Redis | Cluster | undefined;
  const handlers = new Map<string, Set<(message: string) => void>>();
  let subscriberConnecting: Promise<void> | undefined;
  const subscriberConnection = (): Redis | Cluster => {
    if (subscriber) return subscriber;
    const made: Redis | Cluster = (redis as Redis).duplicate();
    health.watch(made, 'subscriber');
    made.on('message', (channel: string, message: string) => {
      for (const handler of handlers.get(channel) ?? []) handler(message);
    });
    subscriber = made;
    return made;
  };

  // Not fatal: ioredis keeps retrying; calls answer store.unavailable until it is back, and the
  // health has said why. Bounded, because with Sentinel or Cluster the first connect waits for as
  // long as nothing answers. A cluster's masters are connected now rather than by the first
  // command each serves, which would spend its deadline on it.
  let startTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    redis
      .connect()
      .then(() =>
        cluster
          ? Promise.all((redis as Cluster).nodes('master').map((node) => node.ping()))
          : undefined,
      ),
    new Promise((resolve) => {
      startTimer = setTimeout(resolve, 2000);
    }),
  ])
    .catch(() => undefined)
    .finally(() => clearTimeout(startTimer));

  /** The cluster hash slot of `key` (given without the key prefix, as callers name keys). */
  const slotOf = (key: string): number => new Command('get', [keyPrefix + key]).getSlot() ?? 0;
  /**
   * The server that answers for `key`: its slot's master in a cluster (none for a command
   * without a key, which goes to any node), else the one server.
   */
  const ownerOf = (key: string | null): string | undefined => {
    if (!cluster) return THE_SERVER;
    if (key === null) return undefined;
    return (redis as Cluster).slots[slotOf(key)]?.[0] ?? 'an unknown node';
  };
  const servesSlots = (owner: string) =>
    (redis as Cluster).slots.some((nodes) => nodes?.[0] === owner);
  const sourceOf = (owner: string) => (cluster ? `node ${owner}` : THE_SERVER);

  /** Servers whose commands fail at once without being sent, with the timer of their next check. */
  const troubled = new Map<string, NodeJS.Timeout>();
  let closed = false;
  /** True when `owner` answers again, or (cluster) no longer serves any slot. */
  const answers = async (owner: string): Promise<boolean> => {
    const ping = (client: Redis | Cluster) =>
      client.ping().then(
        () => true,
        () => false,
      );
    if (!cluster) return ping(redis);
    if (!servesSlots(owner)) return true;
    const node = (redis as Cluster)
      .nodes('master')
      .find((candidate) => nodeKey(candidate) === owner);
    if (node && (await ping(node))) return true;
    // Its replica may have taken over: ask the cluster who serves the slots now.
    (redis as Cluster).refreshSlotsCache();
    return false;
  };
  const checkSoon = (owner: string) => {
    const timer = setTimeout(async () => {
      if (await answers(owner)) {
        troubled.delete(owner);
        health.up(sourceOf(owner));
      } else if (!closed) checkSoon(owner);
    }, PROBE_INTERVAL_MS);
    timer.unref();
    troubled.set(owner, timer);
  };
  const trouble = (owner: string, reason: string) => {
    if (closed || troubled.has(owner)) return;
    health.down(sourceOf(owner), reason);
    checkSoon(owner);
  };
  if (cluster) {
    // A master's connection lost: its keys fail at once instead of waiting for redirections.
    redis.on('node error', (error: Error, owner: string) => {
      if (servesSlots(owner)) trouble(owner, error.message);
    });
    redis.on('-node', (_node: Redis, owner: string) => {
      if (servesSlots(owner)) trouble(owner, 'connection lost');
    });
  }

  const deadlineMessage = `no answer within ${commandTimeoutMs} ms`;
  /**
   * Notes what a failed command says of its server: one that timed out is hung; in a cluster, one
   * that is unreachable or never answered within the deadline too. (An error Redis answered, such
   * as WRONGTYPE, says nothing of that.)
   */
  const noteFailure = (owner: string | undefined, error: unknown) => {
    const timedOut = [error, (error as Error | undefined)?.cause].some((candidate) =>
      [COMMAND_TIMED_OUT, deadlineMessage].includes(
        (candidate as Error | undefined)?.message ?? '',
      ),
    );
    if (owner === undefined || !(timedOut || (cluster && !(error instanceof ReplyError)))) return;
    trouble(owner, timedOut ? deadlineMessage : (error as Error).message);
  };
  /** The cluster's deadline for the whole call, redirections and retries included. */
  const withinDeadline = <T>(promise: Promise<T>): Promise<T> => {
    if (!cluster) return promise;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(deadlineMessage)), commandTimeoutMs);
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  };

  /** One store call whose commands touch `key` (and keys of its hash tag), or no key. */
  function run<T>(operation: string, key: string | null, command: () => Promise<T>): Promise<T> {
    return runOn(operation, ownerOf(key), command);
  }
  /** One store call whose commands go to `owner` (undefined: any cluster node). */
  async function runOn<T>(
    operation: string,
    owner: string | undefined,
    command: () => Promise<T>,
  ): Promise<T> {
    if (owner !== undefined && troubled.has(owner))
      throw new StoreUnavailableError(
        `redis ${operation} not sent: ${sourceOf(owner)} did not answer an earlier command and has not answered since`,
      );
    try {
      return await withinDeadline(command());
    } catch (error) {
      noteFailure(owner, error);
      throw new StoreUnavailableError(`redis ${operation} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  /** One command per key: in a cluster each its own call (keys of one command must share a slot). */
  const eachKey = <T>(
    operation: string,
    keys: readonly string[],
    command: (key: string) => Promise<T>,
  ) =>
    cluster
      ? Promise.all(keys.map((key) => run(operation, key, () => command(key))))
      : run(operation, null, () => Promise.all(keys.map(command)));

  /**
   * Deletes `keys` (named without the key prefix) and answers how many existed. In a cluster one
   * UNLINK per hash slot (keys of one command must share a slot), all sent at once; else one.
   */
  const unlinkBatch = async (keys: readonly string[]): Promise<number> => {
    if (keys.length === 0) return 0;
    if (!cluster) return run('delete prefix', null, () => redis.unlink(...keys));
    const bySlot = new Map<number, string[]>();
    for (const key of keys) {
      const slot = slotOf(key);
      const group = bySlot.get(slot);
      if (group) group.push(key);
      else bySlot.set(slot, [key]);
    }
    const counts = await Promise.all(
      [...bySlot.values()].map((group) =>
        run('delete prefix', group[0]!, () => redis.unlink(...group)),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  };
  /**
   * One SCAN walk of one server (`scanner`: the client, or a cluster master's own connection),
   * deleting what each SCAN finds before the next: every SCAN and every UNLINK is a call of its
   * own, bounded by the deadline, so a walk of any length never waits long for one answer.
   */
  const deleteMatching = async (
    scanner: Redis | Cluster,
    owner: string,
    pattern: string,
  ): Promise<number> => {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, found] = await runOn('delete prefix scan', owner, () =>
        scanner.scan(cursor, 'MATCH', pattern, 'COUNT', DELETE_PREFIX_BATCH),
      );
      cursor = next;
      // ioredis prefixes neither SCAN's pattern nor its answer: keys come back as stored, the key
      // prefix included, and UNLINK through the client adds it again.
      deleted += await unlinkBatch(
        found.filter((key) => key.startsWith(keyPrefix)).map((key) => key.slice(keyPrefix.length)),
      );
    } while (cursor !== '0');
    return deleted;
  };
  /** Every master that serves a slot, each with its own connection (no key prefix on it). */
  const mastersToWalk = (): [string, Redis][] => {
    const owners = new Set<string>();
    for (const nodes of (redis as Cluster).slots) if (nodes?.[0]) owners.add(nodes[0]);
    if (owners.size === 0)
      throw new StoreUnavailableError('redis delete prefix failed: no cluster slot table yet');
    const connected = new Map(
      (redis as Cluster).nodes('master').map((node) => [nodeKey(node), node] as const),
    );
    return [...owners].map((owner) => {
      const node = connected.get(owner);
      if (!node)
        throw new StoreUnavailableError(
          `redis delete prefix failed: node ${owner} serves slots but is not connected`,
        );
      return [owner, node];
    });
  };

  return {
    get: (key) => run('get', key, () => redis.get(key)),
    getMany: (keys) =>
      cluster
        ? eachKey('get', keys, (key) => redis.get(key))
        : run('mget', null, async () => (keys.length === 0 ? [] : redis.mget(...keys))),
    set: (key, value, ttlMs) =>
      run('set', key, async () => {
        await redis.set(key, value, 'PX', ms(ttlMs));
      }),
    setIfAbsent: (key, value, ttlMs) =>
      run('set nx', key, async () => (await redis.set(key, value, 'PX', ms(ttlMs), 'NX')) === 'OK'),
    delete: async (...keys) => {
      // One UNLINK per key: keys of one command must share a hash slot in a cluster. UNLINK frees
      // a large hash or sorted set (an org snapshot's) in the background.
      await eachKey('del', keys, (key) => redis.unlink(key));
    },
    deletePrefix: async (prefix) => {
      const pattern = startsWithPattern(keyPrefix + prefix);
      if (!cluster) return deleteMatching(redis, THE_SERVER, pattern);
      // Each master holds only its own slots' keys: walk them one after the other.
      let deleted = 0;
      for (const [owner, node] of mastersToWalk())
        deleted += await deleteMatching(node, owner, pattern);
      return deleted;
    },
    deleteIfEquals: (key, expected) =>
      run('delete if equals', key, async () => (await redis.deleteIfEquals(key, expected)) === 1),
    extendIfEquals: (key, expected, ttlMs) =>
      run(
        'extend if equals',
        key,
        async () => (await redis.extendIfEquals(key, expected, ms(ttlMs))) === 1,
      ),
    increment: (key, windowMs, by = 1) =>
      run('increment', key, async (): Promise<Counter> => {
        const [count, ttlMs] = await redis.incrementWindow(key, ms(windowMs), by);
        return { count, ttlMs };
      }),
    readCounter: (key) =>
      run('read counter', key, async (): Promise<Counter> => {
        const [value, ttlMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
        return value === null ? { count: 0, ttlMs: 0 } : { count: Number(value), ttlMs };
      }),
    getAndIncrement: (key, counterKey, windowMs) =>
      run('get and increment', key, async () => {
        const answer = await redis.getAndIncrement(key, counterKey, ms(windowMs));
        if (answer.length === 0) return { value: null };
        const [value, count, ttlMs] = answer;
        return { value, counter: { count, ttlMs } };
      }),
    takeSlots: (key, holders, { counterKey, limit, ttlMs }) =>
      run('take slots', key, async () => {
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
      run('release slot', key, async () => {
        await redis.zrem(key, holder);
      }),
    addToSet: (key, member, ttlMs) =>
      run('add to set', key, async () => {
        await redis.addToSet(key, member, ms(ttlMs));
      }),
    setMembers: (key) => run('set members', key, () => redis.smembers(key)),
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
      run('stream append', key, async () =>
        values.length === 0
          ? []
          : redis.streamAppend(key, trim.minId ?? '', trim.maxLength ?? 0, ...values),
      ),
    streamRange: (key, range, count) =>
      run('stream range', key, async () => {
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
      run('publish', null, async () => {
        await redis.publish(`${keyPrefix}${channel}`, message);
      }),
    subscribe: async (channel, handler) => {
      const connection = subscriberConnection();
      // Connecting (to a cluster: its slot table and nodes) has its own timeouts, not a command's;
      // subscriptions asked for while it connects wait for the same connect.
      if (connection.status === 'wait') subscriberConnecting = connection.connect();
      await subscriberConnecting?.catch((error: Error) => {
        subscriberConnecting = undefined;
        throw new StoreUnavailableError(`redis subscribe failed: ${error.message}`, {
          cause: error,
        });
      });
      return run('subscribe', null, async () => {
        const name = `${keyPrefix}${channel}`;
        const set = handlers.get(name) ?? new Set();
        handlers.set(name, set);
        set.add(handler);
        if (set.size === 1) await connection.subscribe(name);
        return async () => {
          set.delete(handler);
          if (set.size === 0) {
            handlers.delete(name);
            await connection.unsubscribe(name).catch(() => undefined);
          }
        };
      });
    },
    removeFromSet: (key, member) =>
      run('remove from set', key, async () => {
        await redis.srem(key, member);
      }),
    hashSet: (key, fields) =>
      run('hash set', key, async () => {
        if (Object.keys(fields).length > 0) await redis.hset(key, fields);
      }),
    hashGet: (key, fields) =>
      run('hash get', key, async () => (fields.length === 0 ? [] : redis.hmget(key, ...fields))),
    hashScan: (key, cursor, count) =>
      run('hash scan', key, async () => {
        const [next, flat] = await redis.hscan(key, cursor, 'COUNT', count);
        const entries: [string, string][] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) entries.push([flat[i]!, flat[i + 1]!]);
        return { cursor: next, entries };
      }),
    hashDelete: (key, fields) =>
      run('hash delete', key, async () => {
        if (fields.length > 0) await redis.hdel(key, ...fields);
      }),
    hashSetIfAbsent: (key, fields) =>
      run('hash set if absent', key, async () => {
        const flat = Object.entries(fields).flat();
        return flat.length === 0 ? [] : redis.hashSetIfAbsent(key, ...flat);
      }),
    sortedAdd: (key, members) =>
      run('sorted add', key, async () => {
        if (members.length > 0) await redis.zadd(key, ...members.flatMap((m) => ['0', m]));
      }),
    sortedRemove: (key, members) =>
      run('sorted remove', key, async () => {
        if (members.length > 0) await redis.zrem(key, ...members);
      }),
    sortedRange: (key, after, below, limit) =>
      run('sorted range', key, () =>
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
      run('sorted has', key, async () =>
        members.length === 0
          ? []
          : (await redis.zmscore(key, ...members)).map((score) => score !== null),
      ),
    ping: () =>
      run('ping', null, async () => {
        // In a cluster: any master that is not failing (one failing master is its keys' problem).
        const target = cluster
          ? (redis as Cluster).nodes('master').find((node) => !troubled.has(nodeKey(node)))
          : redis;
        if (!target) throw new Error('no cluster master is connected');
        await target.ping();
      }),
    close: async () => {
      closed = true;
      for (const timer of troubled.values()) clearTimeout(timer);
      subscriber?.disconnect();
      // QUIT only over a live connection; otherwise stop the reconnect loop at once.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
