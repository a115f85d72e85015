/** The Redis the integration tests use: this machine's, unless REDIS_URL says otherwise. */
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
