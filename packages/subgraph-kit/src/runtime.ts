import type { Config, ServiceName } from '@waitlessq/config';

import { createIdentitySigner, type IdentitySigner } from '@waitlessq/auth';
import { createDatabase, type Database } from '@waitlessq/database';
import { createJobs, type Jobs } from '@waitlessq/jobs';
import { createLogger, type Logger } from '@waitlessq/observability';
import { createRedis, type RedisResources } from '@waitlessq/redis';

/** Database, Redis and the job system, shared by every service of a process in the all-in-one start. */
export interface SharedResources {
  db: Database;
  redis: RedisResources;
  /** Background jobs (BullMQ on Redis, or this process's memory): producers add, the workers run them. Opened from the configuration when absent. */
  jobs?: Jobs;
}

/** Everything a service is given at start-up. Features receive it; none of them open clients. */
export interface ServiceRuntime extends SharedResources {
  jobs: Jobs;
  name: ServiceName;
  config: Config;
  logger: Logger;
  signer: IdentitySigner;
  /** Closes what this runtime opened (not what it was handed). */
  close(): Promise<void>;
}

export async function createServiceRuntime(name: ServiceName, config: Config, shared?: SharedResources): Promise<ServiceRuntime> {
  const logger = createLogger(name, config.logLevel);
  const owned = !shared;
  const redis = shared?.redis ?? createRedis(config.redis);
  const db = shared?.db ?? (await createDatabase(config.database, logger, { writeMarks: redis.store }));
  const jobs = shared?.jobs ?? createJobs(config);
  return {
    name,
    config,
    logger,
    db,
    redis,
    jobs,
    signer: createIdentitySigner(config.auth.identitySecret),
    close: async () => {
      if (!shared?.jobs) await jobs.close().catch(() => undefined);
      if (!owned) return;
      await Promise.allSettled([db.close(), redis.close()]);
    },
  };
}
