export { applyVisitRetention, customersWithVisitsSince, retentionBatchSize } from './retention';
export type { VisitRetentionResult } from './retention';
