import { randomUUID } from 'node:crypto';
import { type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../logger';
import { closeJobEngine, reportJobErrors } from '../stores/job-connection';
import { StoreUnavailableError } from '../stores/store';
import { OrgError } from './errors';
import type { OrgSync } from './sync';

/**
 * Where full syncs run: on the job engine (BullMQ on Redis) when Redis is configured — one
 * worker per instance, periodic syncs from a job scheduler — or else in this process. Either way
 * one sync runs at a time cluster-wide: a request takes the sync's claim before it queues the job
 * (a second request meets the claim: `sync_running`), and a periodic job that finds the claim
 * taken does nothing. On the job engine a failed sync is tried again a bounded number of times
 * with a growing pause (not when WeCom refused: that needs an admin), and a job whose instance
 * died while running it (stalled) is run once more by another instance, then failed — a sync
 * that takes its process down does not go on to take down every instance in turn.
 */
export interface SyncRunner {
  /** Starts a full sync; `OrgError('sync_running')` when one is running or queued. */
  request(): Promise<void>;
  /** Stops periodic syncs, stops a running sync (recorded as failed) and waits for it. */
  close(): Promise<void>;
}

export interface RunnerDeps {
  sync: OrgSync;
  logger: Logger;
  /** Full sync period in seconds; 0 = only on demand. */
  intervalSeconds: number;
  tuning?: JobTuning;
}

/** The job engine's retries and stall detection (tests shorten them). */
export interface JobTuning {
  /** Runs of a failed job at most, the first included (default 3). */
  attempts?: number;
  /** Pause before the first retry, doubled for each next one (default 60 s). */
  backoffMs?: number;
  /** A worker's hold on a running job lasts this long unless renewed (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker stopped renewing its hold (default 30 s). */
  stalledIntervalMs?: number;
}

/** Runs of a job after its instance died (stalled) at most, before it is failed. */
const MAX_STALLED_RUNS = 1;

const QUEUE = 'org-sync';
const JOB = 'full-sync';
const SCHEDULER = 'org-sync-every';
/** Finished jobs kept in Redis for inspection. */
const KEEP_JOBS = 50;

/** How long queueing a job or closing the engine may wait for Redis. */
const JOB_ENGINE_WAIT_MS = 5000;

/** `promise`, or `onTimeout()` after `ms` (the job engine's connections wait for Redis forever). */
function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface JobData {
  /** The claim a request took for this job; absent for periodic jobs. */
  claim?: string;
}

/** In this process: requests and a timer (no Redis needed). */
export function createInProcessRunner(deps: RunnerDeps): SyncRunner {
  const { sync, logger, intervalSeconds } = deps;
  const stop = new AbortController();
  const running = new Set<Promise<unknown>>();
  const start = (owner: string) => {
    const run = sync
      .runClaimed(owner, { signal: stop.signal })
      .catch((error: unknown) => logger.error({ err: error }, 'org sync crashed'))
      .finally(() => running.delete(run));
    running.add(run);
  };
  const timer =
    intervalSeconds > 0
      ? setInterval(() => start(`scheduled:${randomUUID()}`), intervalSeconds * 1000)
      : undefined;
  timer?.unref();
  return {
    async request() {
      const owner = `request:${randomUUID()}`;
      if (!(await sync.claim(owner))) throw new OrgError('sync_running');
      start(owner);
    },
    async close() {
      clearInterval(timer);
      stop.abort(new Error('shutting down'));
      await Promise.all(running);
    },
  };
}

/** On BullMQ: `connect()` makes one new Redis connection per call (queue, worker). */
export function createQueueRunner(
  deps: RunnerDeps & { connect: () => Redis | Cluster; prefix: string },
): SyncRunner {
  const { sync, logger, intervalSeconds, prefix, tuning = {} } = deps;
  const connections = [deps.connect(), deps.connect()];
  const [queueConnection, workerConnection] = connections as [Redis | Cluster, Redis | Cluster];
  const stop = new AbortController();
  const jobOptions: JobsOptions = {
    removeOnComplete: KEEP_JOBS,
    removeOnFail: KEEP_JOBS,
    attempts: tuning.attempts ?? 3,
    backoff: { type: 'exponential', delay: tuning.backoffMs ?? 60_000 },
  };
  const queue = new Queue<JobData>(QUEUE, { connection: queueConnection, prefix });
  const worker = new Worker<JobData>(
    QUEUE,
    async (job) => {
      // BullMQ fails a stalled job past maxStalledCount, but not one its job scheduler made.
      if (job.stalledCounter > MAX_STALLED_RUNS)
        throw new UnrecoverableError(
          `stalled ${job.stalledCounter} times: the instances running it stopped while it ran`,
        );
      const owner = job.data.claim ?? `scheduled:${job.id}`;
      const result = await sync.runClaimed(owner, { signal: stop.signal });
      if (result === 'busy') {
        logger.info({ job: job.id }, 'org sync skipped: another sync holds the claim');
        return { skipped: true };
      }
      if (result.error) {
        const message = `${result.error.reason}: ${result.error.message}`;
        // A refusal needs an admin; the claim lost means another sync runs.
        if (result.error.reason === 'refused' || result.error.reason === 'claim_lost')
          throw new UnrecoverableError(message);
        throw new Error(message);
      }
      return { ok: result.ok, changes: result.changes };
    },
    {
      connection: workerConnection,
      prefix,
      concurrency: 1,
      maxStalledCount: MAX_STALLED_RUNS,
      ...(tuning.lockDurationMs && { lockDuration: tuning.lockDurationMs }),
      ...(tuning.stalledIntervalMs && { stalledInterval: tuning.stalledIntervalMs }),
    },
  );
  reportJobErrors(logger, 'org sync', queue, worker);
  const scheduled = (
    intervalSeconds > 0
      ? queue.upsertJobScheduler(
          SCHEDULER,
          { every: intervalSeconds * 1000 },
          { name: JOB, data: {}, opts: jobOptions },
        )
      : queue.removeJobScheduler(SCHEDULER)
  ).catch((error: unknown) => logger.warn({ err: error }, 'org sync schedule not set'));

  return {
    async request() {
      const owner = `request:${randomUUID()}`;
      if (!(await sync.claim(owner))) throw new OrgError('sync_running');
      try {
        await within(
          queue.add(JOB, { claim: owner }, jobOptions),
          JOB_ENGINE_WAIT_MS,
          () => new StoreUnavailableError('the job queue did not answer within 5 s'),
        );
      } catch (error) {
        await sync.release(owner);
        throw error;
      }
    },
    async close() {
      stop.abort(new Error('shutting down'));
      await closeJobEngine(
        { queue, worker, connections },
        {
          waitMs: JOB_ENGINE_WAIT_MS,
          first: scheduled,
          onLate: () => logger.warn('org sync job engine did not close within 5 s'),
        },
      );
    },
  };
}
