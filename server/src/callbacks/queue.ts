/**
 * A bounded in-process queue for the work a callback hands off after answering WeCom (the
 * directory hand-off): at most `concurrency` tasks run at a time and at most `capacity` wait.
 * `push` refuses (answers false) when it is full, so a burst of events cannot grow memory without
 * bound; what is refused or lost with the process is caught up by the next full org sync.
 */
export interface TaskQueue {
  /** False when the queue is full (the task is not taken). */
  push(task: () => Promise<void>): boolean;
  /** Waiting plus running tasks. */
  size(): number;
  /** Resolves when every taken task has finished, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

export function createTaskQueue(options: {
  capacity: number;
  concurrency: number;
  onError: (error: unknown) => void;
}): TaskQueue {
  const waiting: (() => Promise<void>)[] = [];
  let running = 0;
  let idle: (() => void)[] = [];

  const pump = () => {
    while (running < options.concurrency && waiting.length > 0) {
      const task = waiting.shift()!;
      running++;
      void (async () => {
        try {
          await task();
        } catch (error) {
          options.onError(error);
        } finally {
          running--;
          pump();
        }
      })();
    }
    if (running === 0 && waiting.length === 0) {
      const done = idle;
      idle = [];
      for (const resolve of done) resolve();
    }
  };

  return {
    push(task) {
      if (waiting.length >= options.capacity) return false;
      waiting.push(task);
      pump();
      return true;
    },
    size: () => waiting.length + running,
    drain(timeoutMs) {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
