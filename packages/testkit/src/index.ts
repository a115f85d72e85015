export { createTestDatabase, adminDatabaseUrl } from './test-database';
export type { TestDatabase } from './test-database';
export { testRedisUrl } from './test-redis';
