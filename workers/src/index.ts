export { startWorkers } from './start-workers';
export type { StartWorkersOptions, Workers } from './start-workers';
export { createHandlers, unsubscribeLinkOf } from './handlers';
export { mountNotificationRoutes, notificationRoutes } from './notification-routes';
