import { Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../logger';
import { closeJobEngine, reportJobErrors } from '../stores/job-connection';

/**
 * Where lanes are pumped: on the job engine (BullMQ on Redis) when Redis is configured — any
 * instance's worker may pump any lane, a retry is a delayed job that outlives the instance that
 * scheduled it — or else in this process with timers. A nudge is one waiting job per lane (its
 * job id), so a burst of nudges makes one pump; the lane's claim keeps pumps of one lane from
 * running together across the cluster.
 */
export interface DeliveryEngine {
  /** A pump of this lane soon. */
  nudge(id: string): void;
  /** A pump of this lane at `atMs`. */
  retryAt(id: string, atMs: number): void;
  close(): Promise<void>;
}

/** Lanes pumped at a time per instance: a slow receiver holds one of them, never the others. */
export const PUMPS_PER_INSTANCE = 16;

export function createInProcessEngine(
  pump: (id: string) => Promise<void>,
  logger: Logger,
): DeliveryEngine {
  const running = new Set<Promise<void>>();
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;
  const start = (id: string) => {
    if (closed) return;
    const run = pump(id)
      .catch((error: unknown) => logger.warn({ err: error, endpoint: id }, 'webhook pump failed'))
      .finally(() => running.delete(run));
    running.add(run);
  };
  return {
    nudge: start,
    retryAt(id, atMs) {
      clearTimeout(timers.get(id));
      const timer = setTimeout(
        () => {
          timers.delete(id);
          start(id);
        },
        Math.max(0, atMs - Date.now()),
      );
      timer.unref();
      timers.set(id, timer);
    },
    async close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.all(running);
    },
  };
}

const QUEUE = 'webhooks';
/** How long closing the engine may wait for Redis and the pumps. */
const CLOSE_WAIT_MS = 12_000;

export function createQueueEngine(options: {
  pump: (id: string) => Promise<void>;
  connect: () => Redis | Cluster;
  prefix: string;
  logger: Logger;
}): DeliveryEngine {
  const { pump, prefix, logger } = options;
  const connections = [options.connect(), options.connect()] as const;
  const queue = new Queue<{ id: string }>(QUEUE, { connection: connections[0], prefix });
  const worker = new Worker<{ id: string }>(QUEUE, (job) => pump(job.data.id), {
    connection: connections[1],
    prefix,
    concurrency: PUMPS_PER_INSTANCE,
  });
  reportJobErrors(logger, 'webhook', queue, worker);
  const add = (jobId: string, id: string, delay = 0) =>
    queue
      .add('pump', { id }, { jobId, delay, removeOnComplete: true, removeOnFail: true })
      .catch((error: unknown) =>
        logger.warn({ err: error, endpoint: id }, 'webhook job not queued'),
      );
  return {
    nudge: (id) => void add(`pump-${id}`, id),
    retryAt: (id, atMs) => void add(`retry-${id}-${atMs}`, id, Math.max(0, atMs - Date.now())),
    close: () =>
      closeJobEngine(
        { queue, worker, connections },
        {
          waitMs: CLOSE_WAIT_MS,
          onLate: () => logger.warn('webhook job engine did not close within 12 s'),
        },
      ),
  };
}
