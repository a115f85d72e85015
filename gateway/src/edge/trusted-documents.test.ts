import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from '@waitlessq/auth';
import { createLogger } from '@waitlessq/observability';
import { createRedis } from '@waitlessq/redis';
import { createPersistedQueryCache } from './persisted-queries';
import { defaultManifestPath, loadTrustedDocuments, readManifest } from './trusted-documents';

const logger = createLogger('test', 'silent');
const memoryStore = () => createRedis({ kind: 'memory', keyPrefix: '' }).store;
const body = 'query Ping {\n  ping\n}';

function manifestFile(operations: unknown[]): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'manifest.json');
  writeFileSync(file, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }));
  return file;
}

describe('trusted documents', () => {
  it('reads the committed manifest', () => {
    expect(readManifest(defaultManifestPath).map((operation) => operation.name)).toContain('DisplayQueueSummary');
  });

  it('refuses a manifest whose id is not the hash of its body', () => {
    const file = manifestFile([{ id: sha256('{ other }'), name: 'Ping', type: 'query', body }]);
    expect(() => readManifest(file)).toThrow(/the id of operation Ping is not the SHA-256 of its body/);
  });

  it('refuses what is not a persisted query manifest, and says how to write one', () => {
    expect(() => readManifest('/nonexistent/manifest.json')).toThrow(/npm run operations/);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'manifest.json');
    writeFileSync(file, JSON.stringify({ operations: [] }));
    expect(() => readManifest(file)).toThrow(/not an Apollo persisted query manifest/);
  });

  it("shares the manifest through the store: a replica with an older manifest finds another's operations", async () => {
    const store = memoryStore();
    await loadTrustedDocuments({ file: manifestFile([{ id: sha256(body), name: 'Ping', type: 'query', body }]), store, logger });
    const older = await loadTrustedDocuments({ file: manifestFile([]), store, logger });
    expect(await older.get(sha256(body))).toBe(body);
    expect(await older.has(sha256('{ unknown }'))).toBe(false);
  });
});

describe('the persisted query cache', () => {
  it('answers trusted documents first, then registered queries, which expire', async () => {
    const store = memoryStore();
    const trusted = await loadTrustedDocuments({ file: manifestFile([{ id: sha256(body), name: 'Ping', type: 'query', body }]), store, logger });
    const cache = createPersistedQueryCache({ store, trusted, ttlSeconds: 60 });
    expect(await cache.get(`apq:${sha256(body)}`)).toBe(body);
    await cache.set(`apq:${sha256('{ a }')}`, '{ a }', { ttl: 1 });
    expect(await cache.get(`apq:${sha256('{ a }')}`)).toBe('{ a }');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await cache.get(`apq:${sha256('{ a }')}`)).toBeUndefined();
  });
});
