import { type Job, Queue, Worker, type WorkerOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../logger';
import { closeJobEngine, reportJobErrors, within } from './job-connection';

/**
 * One BullMQ queue and its worker, shared by every corp a process serves: one set of
 * connections per process whatever the number of corps. Every job names its scope (the corp ID;
 * `HOME_SCOPE` for the home corp, whose jobs — like a one-corp deployment's — name none), and the
 * worker runs it with the handler registered for that scope here. Registering and unregistering a
 * scope is a Map entry: a corp served or dropped at run time opens or closes no connection.
 *
 * A job whose scope has no handler here (a corp just removed, or not yet served by this instance)
 * goes to `unserved`, which decides what becomes of it — never a loop: its answer completes the
 * job, and what it throws counts as a failed attempt.
 */

/** The home corp's scope: its jobs carry no corp ID, so its queues stay a one-corp deployment's. */
export const HOME_SCOPE = '';

/** What every job of a scoped queue carries. */
export interface ScopedJobData {
  /** The corp ID; absent (or `HOME_SCOPE`) for the home corp. */
  scope?: string;
}

/** `base` for the home corp, `base:{scope}` for another (scheduler names; no `:` in job ids). */
export const scopedName = (base: string, scope: string, separator = ':'): string =>
  scope === HOME_SCOPE ? base : `${base}${separator}${scope}`;

export interface ScopedQueue<Data extends ScopedJobData> {
  readonly queue: Queue<Data>;
  /**
   * Runs this scope's jobs here with `handler` from now on. `close` unregisters it, then waits (at
   * most `waitMs`) for the scope's jobs running here — the caller stops them first.
   */
  serve(
    scope: string,
    handler: (job: Job<Data>) => Promise<unknown>,
  ): { close(waitMs: number): Promise<'settled' | 'late'> };
  /** Waited for (bounded) before the queue closes: a scheduler being set, say. */
  track(promise: Promise<unknown>): void;
  /** The worker starts taking jobs (once the scopes served at start are registered). */
  start(): void;
  /** Takes no more jobs (the scopes unregister next at shutdown; running jobs go on). */
  stopTaking(): Promise<void>;
  close(): Promise<void>;
}

export function createScopedQueue<Data extends ScopedJobData>(options: {
  name: string;
  /** What the logs call it ("org sync", "webhook"). */
  label: string;
  /** One new Redis connection per call (queue, worker). */
  connect: () => Redis | Cluster;
  prefix: string;
  logger: Logger;
  worker: Omit<WorkerOptions, 'connection' | 'prefix' | 'autorun'>;
  /** A job of a scope with no handler here. */
  unserved(job: Job<Data>, scope: string): Promise<unknown>;
  /** How long closing may wait for Redis and the running jobs. */
  closeWaitMs: number;
}): ScopedQueue<Data> {
  const { name, label, prefix, logger } = options;
  const connections = [options.connect(), options.connect()] as const;
  const handlers = new Map<string, (job: Job<Data>) => Promise<unknown>>();
  const running = new Map<string, Set<Promise<unknown>>>();
  const pending = new Set<Promise<unknown>>();
  const queue = new Queue<Data>(name, { connection: connections[0], prefix });
  const worker = new Worker<Data>(
    name,
    (job) => {
      const scope = job.data.scope ?? HOME_SCOPE;
      const handler = handlers.get(scope);
      if (!handler) return options.unserved(job, scope);
      const run = handler(job);
      const ofScope = running.get(scope) ?? new Set();
      running.set(scope, ofScope);
      ofScope.add(run);
      const forget = () => {
        ofScope.delete(run);
        if (ofScope.size === 0 && running.get(scope) === ofScope) running.delete(scope);
      };
      run.then(forget, forget);
      return run;
    },
    { ...options.worker, connection: connections[1], prefix, autorun: false },
  );
  reportJobErrors(logger, label, queue, worker);
  let started = false;
  return {
    queue,
    serve(scope, handler) {
      handlers.set(scope, handler);
      return {
        async close(waitMs) {
          // A scope served anew meanwhile keeps its new handler.
          if (handlers.get(scope) === handler) handlers.delete(scope);
          return within(Promise.allSettled(running.get(scope) ?? []), waitMs);
        },
      };
    },
    track(promise) {
      const settled: Promise<unknown> = promise.then(
        () => pending.delete(settled),
        () => pending.delete(settled),
      );
      pending.add(settled);
    },
    start() {
      if (started) return;
      started = true;
      worker
        .run()
        .catch((error: unknown) =>
          logger.warn({ err: (error as Error).message }, `${label} worker stopped`),
        );
    },
    async stopTaking() {
      // Without waiting for the running jobs (their scopes stop them), nor for Redis.
      await within(worker.pause(true), options.closeWaitMs);
    },
    close: () =>
      closeJobEngine(
        { queue, worker, connections },
        {
          waitMs: options.closeWaitMs,
          first: Promise.all(pending),
          onLate: () =>
            logger.warn(`${label} job engine did not close within ${options.closeWaitMs / 1000} s`),
        },
      ),
  };
}
