import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { closeJobEngine, createJobConnection } from '../../../../server/src/stores/job-connection';
import { createRedisHealth } from '../../../../server/src/stores/redis-health';
import { silentLogger, testRedisUrl, uniquePrefix } from '../../../helpers/stores';

// Closing the job engine is bounded however BullMQ behaves: a worker whose close waits for a job
// stuck on a dead Redis node, and whose disconnect waits for a connection that never came up (as
// a topology test once saw after a Sentinel failover), still lets the close end after the waits,
// with the engine's own connections dropped, and the copies BullMQ made of them (a worker's
// blocking connection) too. The clock is jest's in the first two.

const never = () => new Promise<void>(() => undefined);

describe('closeJobEngine', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends within two waits when BullMQ neither closes nor disconnects', async () => {
    const disconnected: string[] = [];
    const stuck = { close: never, disconnect: never };
    const connection = (name: string) =>
      ({ disconnect: () => void disconnected.push(name) }) as unknown as Redis;
    const onLate = jest.fn();
    let done = false;
    const closing = closeJobEngine(
      {
        queue: stuck as unknown as Queue,
        worker: stuck as unknown as Worker,
        connections: [connection('queue'), connection('worker')],
      },
      { waitMs: 5000, onLate },
    ).then(() => {
      done = true;
    });

    await jest.advanceTimersByTimeAsync(4999);
    expect(onLate).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(onLate).toHaveBeenCalledTimes(1);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(5000);
    await closing;
    expect(done).toBe(true);
    expect(disconnected).toEqual(['queue', 'worker']);
  });

  it('closes at once, without the late path, when BullMQ closes', async () => {
    const disconnect = jest.fn(async () => undefined);
    const closes = { close: async () => undefined, disconnect };
    const onLate = jest.fn();
    await closeJobEngine(
      { queue: closes as unknown as Queue, worker: closes as unknown as Worker, connections: [] },
      { waitMs: 5000, onLate },
    );
    expect(onLate).not.toHaveBeenCalled();
    expect(disconnect).not.toHaveBeenCalled();
  });

  it('drops the copies BullMQ made of its connections, on the test Redis', async () => {
    jest.useRealTimers();
    const redis = { url: testRedisUrl(), keyPrefix: uniquePrefix() };
    const connection = createJobConnection(redis, createRedisHealth(redis, silentLogger()));
    const copy = (connection as Redis).duplicate();
    await copy.ping();
    const stuck = { close: never, disconnect: never };
    await closeJobEngine(
      {
        queue: stuck as unknown as Queue,
        worker: stuck as unknown as Worker,
        connections: [connection],
      },
      { waitMs: 50, onLate: () => undefined },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(copy.status).toBe('end');
    expect(connection.status).toBe('end');
  });
});
