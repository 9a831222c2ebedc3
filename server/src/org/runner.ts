import { randomUUID } from 'node:crypto';
import { type JobsOptions, UnrecoverableError } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../logger';
import {
  createScopedQueue,
  HOME_SCOPE,
  type ScopedJobData,
  type ScopedQueue,
  scopedName,
} from '../stores/job-queue';
import { StoreUnavailableError } from '../stores/store';
import { OrgError } from './errors';
import type { OrgSync } from './sync';

/**
 * Where full syncs run: on the job engine (BullMQ on Redis) when Redis is configured — one
 * queue and worker per instance shared by every corp it serves (`OrgJobs`), periodic syncs from a
 * job scheduler per corp — or else in this process. Either way one sync of a corp runs at a time
 * cluster-wide: a request takes the sync's claim before it queues the job
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

export interface OrgJobData extends ScopedJobData {
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

/** Full syncs running at once per instance, whatever the corp (each corp's own claim makes it one per corp). */
export const ORG_SYNCS_PER_INSTANCE = 2;

/**
 * The org sync's job queue and worker, shared by every corp of the process (stores/job-queue.ts):
 * each corp's runner serves its scope on it, and its periodic syncs come from a job scheduler per
 * scope (`org-sync-every`, `org-sync-every:{corpId}`). Two syncs at a time per instance: a sync
 * mostly waits for WeCom (its own calls bounded by the sync's concurrency) and streams what it
 * reads, so a second one — another corp's, as one corp's syncs never run together — costs little,
 * while a long sync of one corp no longer holds back every other corp of the instance; the other
 * instances' workers take the rest. A job of a corp not served here is skipped (info): a periodic
 * one comes again, and a requested one's claim ends with its lease (a new request is then taken).
 */
export interface OrgJobs {
  jobs: ScopedQueue<OrgJobData>;
  /** The scope's periodic syncs every `intervalSeconds` (0: none). */
  schedule(scope: string, intervalSeconds: number, options: JobsOptions): void;
  /** A corp removed for good: its scheduler goes (not at a mere shutdown: other instances keep it). */
  forget(scope: string): Promise<void>;
}

export function createOrgJobs(options: {
  connect: () => Redis | Cluster;
  prefix: string;
  logger: Logger;
  tuning?: Pick<JobTuning, 'lockDurationMs' | 'stalledIntervalMs'>;
}): OrgJobs {
  const { logger, tuning = {} } = options;
  const jobs = createScopedQueue<OrgJobData>({
    name: QUEUE,
    label: 'org sync',
    connect: options.connect,
    prefix: options.prefix,
    logger,
    worker: {
      concurrency: ORG_SYNCS_PER_INSTANCE,
      maxStalledCount: MAX_STALLED_RUNS,
      ...(tuning.lockDurationMs && { lockDuration: tuning.lockDurationMs }),
      ...(tuning.stalledIntervalMs && { stalledInterval: tuning.stalledIntervalMs }),
    },
    async unserved(job, scope) {
      logger.info({ job: job.id, corpId: scope }, 'org sync skipped: its corp is not served here');
      return { skipped: true };
    },
    closeWaitMs: JOB_ENGINE_WAIT_MS,
  });
  const schedulerOf = (scope: string) => scopedName(SCHEDULER, scope);
  return {
    jobs,
    schedule(scope, intervalSeconds, jobOptions) {
      const name = schedulerOf(scope);
      jobs.track(
        (intervalSeconds > 0
          ? jobs.queue.upsertJobScheduler(
              name,
              { every: intervalSeconds * 1000 },
              { name: JOB, data: scope === HOME_SCOPE ? {} : { scope }, opts: jobOptions },
            )
          : jobs.queue.removeJobScheduler(name)
        ).catch((error: unknown) => logger.warn({ err: error }, 'org sync schedule not set')),
      );
    },
    async forget(scope) {
      await within(
        jobs.queue.removeJobScheduler(schedulerOf(scope)),
        JOB_ENGINE_WAIT_MS,
        () => new StoreUnavailableError('the job queue did not answer within 5 s'),
      );
    },
  };
}

/** On BullMQ: this corp's syncs on the process's org jobs, as `scope`. */
export function createQueueRunner(deps: RunnerDeps & { jobs: OrgJobs; scope: string }): SyncRunner {
  const { sync, logger, intervalSeconds, scope, tuning = {} } = deps;
  const { jobs } = deps.jobs;
  const stop = new AbortController();
  const jobOptions: JobsOptions = {
    removeOnComplete: KEEP_JOBS,
    removeOnFail: KEEP_JOBS,
    attempts: tuning.attempts ?? 3,
    backoff: { type: 'exponential', delay: tuning.backoffMs ?? 60_000 },
  };
  const served = jobs.serve(scope, async (job) => {
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
  });
  deps.jobs.schedule(scope, intervalSeconds, jobOptions);
  const data = (claim: string): OrgJobData => (scope === HOME_SCOPE ? { claim } : { claim, scope });

  return {
    async request() {
      const owner = `request:${randomUUID()}`;
      if (!(await sync.claim(owner))) throw new OrgError('sync_running');
      try {
        await within(
          jobs.queue.add(JOB, data(owner), jobOptions),
          JOB_ENGINE_WAIT_MS,
          () => new StoreUnavailableError('the job queue did not answer within 5 s'),
        );
      } catch (error) {
        await sync.release(owner);
        throw error;
      }
    },
    async close() {
      // The shared engine goes on for the other corps; this corp's running sync stops.
      stop.abort(new Error('shutting down'));
      if ((await served.close(JOB_ENGINE_WAIT_MS)) === 'late')
        logger.warn('org sync did not stop within 5 s');
    },
  };
}
