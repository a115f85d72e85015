import type { Logger } from '@waitlessq/observability';
import type { BackgroundTask } from './server';

/**
 * Work repeated on a timer of a service (sweeps, rollups): a failed pass is logged and the
 * next one tries again; a slow pass is not overtaken by the next; stopping waits for the pass
 * in progress. The timer does not keep the process alive.
 */
export function createTimerTask(options: { name: string; intervalMs: number; logger: Logger; run: () => Promise<unknown> }): BackgroundTask {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const pass = () => {
    if (running) return;
    running = options
      .run()
      .then(() => undefined)
      .catch((error: unknown) => options.logger.error({ err: error }, `${options.name} failed`))
      .finally(() => (running = null));
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(pass, options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

/** Several background tasks as the one a subgraph definition has room for: started together, stopped together. */
export function allBackgroundTasks(...tasks: BackgroundTask[]): BackgroundTask {
  return {
    start: () => tasks.forEach((task) => task.start()),
    stop: async () => {
      await Promise.all(tasks.map((task) => task.stop()));
    },
  };
}
