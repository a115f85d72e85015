export { startWorkers } from './start-workers';
export type { StartWorkersOptions, Workers } from './start-workers';
