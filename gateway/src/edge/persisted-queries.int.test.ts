import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256 } from '@waitlessq/auth';
import { createLogger } from '@waitlessq/observability';
import { createRedis, type RedisResources } from '@waitlessq/redis';
import { redisSetups } from '@waitlessq/testkit';
import { createPersistedQueryCache } from './persisted-queries';
import { loadTrustedDocuments } from './trusted-documents';

const logger = createLogger('test', 'silent');

// Automatic persisted queries are shared through Redis: what a client registered at one gateway replica, another serves.
describe.each(redisSetups())('persisted queries over %s', (_name, setup) => {
  const replicas: RedisResources[] = [];
  beforeAll(async () => {
    const config = { kind: 'redis' as const, ...(await setup.start()), keyPrefix: `test:${randomUUID()}:` };
    replicas.push(createRedis(config), createRedis(config));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((redis) => redis.close()));
    await setup.stop();
  });

  it('serves at every replica the queries a client registered at one, until deleted', async () => {
    const [one, two] = await Promise.all(
      replicas.map(async ({ store }) => createPersistedQueryCache({ store, trusted: await loadTrustedDocuments({ store, logger }), ttlSeconds: 60 })),
    );
    const queries = Array.from({ length: 10 }, (_, i) => `query Q${i}_${randomUUID().replace(/-/g, '')} { ping }`);
    await Promise.all(queries.map((query) => one.set(`apq:${sha256(query)}`, query)));
    expect(await Promise.all(queries.map((query) => two.get(`apq:${sha256(query)}`)))).toEqual(queries);

    await two.delete(`apq:${sha256(queries[0])}`);
    expect(await one.get(`apq:${sha256(queries[0])}`)).toBeUndefined();
    expect(await one.get(`apq:${sha256(queries[1])}`)).toBe(queries[1]);
  });

  it('serves a trusted document at a replica whose manifest lacks it (a rolling deploy), through the shared store', async () => {
    const newer = await loadTrustedDocuments({ store: replicas[0].store, logger });
    const olderManifest = path.join(mkdtempSync(path.join(tmpdir(), 'manifest-')), 'manifest.json');
    writeFileSync(olderManifest, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [] }));
    const older = await loadTrustedDocuments({ file: olderManifest, store: replicas[1].store, logger });
    const cache = createPersistedQueryCache({ store: replicas[1].store, trusted: older, ttlSeconds: 60 });
    for (const operation of newer.operations.slice(0, 20)) expect(await cache.get(`apq:${operation.id}`)).toBe(operation.body);
  });
});
