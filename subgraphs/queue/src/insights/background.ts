import type { BackgroundTask } from '@waitlessq/subgraph-kit';

/** Several background tasks as the one a subgraph definition has room for: started together, stopped together. */
export function allBackgroundTasks(...tasks: BackgroundTask[]): BackgroundTask {
  return {
    start: () => tasks.forEach((task) => task.start()),
    stop: async () => {
      await Promise.all(tasks.map((task) => task.stop()));
    },
  };
}
