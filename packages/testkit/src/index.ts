export { createTestDatabase, adminDatabaseUrl } from './test-database';
export type { TestDatabase } from './test-database';
export { testRedisUrl } from './test-redis';
export { freePort } from './free-port';
export { startService, startGraph } from './processes';
export type { RunningService, RunningGraph, ServiceName } from './processes';
export { graphql, graphqlOk, errorCode } from './graphql-client';
export type { GraphQLResponse, GraphQLCall } from './graphql-client';
