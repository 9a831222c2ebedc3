import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../logger';
import {
  createScopedQueue,
  HOME_SCOPE,
  type ScopedJobData,
  type ScopedQueue,
  scopedName,
} from '../stores/job-queue';

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

/**
 * Lanes pumped at a time per instance, whatever their corp: a slow receiver holds one of them,
 * never the others.
 */
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

/** A pump's job: the lane (endpoint ID) of a scope (corp). */
export interface PumpJobData extends ScopedJobData {
  id: string;
}

/**
 * The webhook queue and worker, shared by every corp of the process (stores/job-queue.ts):
 * `PUMPS_PER_INSTANCE` lanes pumped at a time across them. A pump of a corp not served here is
 * dropped (info): the lanes make up for it — every instance that serves the corp nudges each
 * enabled lane at least every sweep, and a pump of a lane whose retry is not due yet asks for it
 * again (lanes.ts).
 */
export type WebhookJobs = ScopedQueue<PumpJobData>;

export function createWebhookJobs(options: {
  connect: () => Redis | Cluster;
  prefix: string;
  logger: Logger;
}): WebhookJobs {
  const { logger } = options;
  return createScopedQueue<PumpJobData>({
    name: QUEUE,
    label: 'webhook',
    connect: options.connect,
    prefix: options.prefix,
    logger,
    worker: { concurrency: PUMPS_PER_INSTANCE },
    async unserved(job, scope) {
      logger.info(
        { job: job.id, corpId: scope, endpoint: job.data.id },
        'webhook pump dropped: its corp is not served here',
      );
    },
    closeWaitMs: CLOSE_WAIT_MS,
  });
}

/** Lanes of one corp (`scope`) pumped on the process's webhook jobs. */
export function createQueueEngine(options: {
  pump: (id: string) => Promise<void>;
  jobs: WebhookJobs;
  scope: string;
  logger: Logger;
}): DeliveryEngine {
  const { pump, jobs, scope, logger } = options;
  const served = jobs.serve(scope, (job) => pump(job.data.id));
  // Job ids are unique per queue: a lane's names carry its corp (no `:` in a BullMQ job id).
  const named = (base: string) => scopedName(base, scope, '-');
  const add = (jobId: string, id: string, delay = 0) =>
    jobs.queue
      .add('pump', scope === HOME_SCOPE ? { id } : { id, scope }, {
        jobId,
        delay,
        removeOnComplete: true,
        removeOnFail: true,
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, endpoint: id }, 'webhook job not queued'),
      );
  return {
    nudge: (id) => void add(`${named('pump')}-${id}`, id),
    retryAt: (id, atMs) =>
      void add(`${named('retry')}-${id}-${atMs}`, id, Math.max(0, atMs - Date.now())),
    async close() {
      // The shared engine goes on for the other corps; this corp's pumps were stopped (their sends
      // aborted) and are waited for.
      if ((await served.close(CLOSE_WAIT_MS)) === 'late')
        logger.warn('webhook pumps did not stop within 12 s');
    },
  };
}
