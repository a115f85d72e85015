import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '@waitlessq/auth';
import type { Logger } from '@waitlessq/observability';
import type { KeyValueStore } from '@waitlessq/redis';

/** schema/operations/manifest.json at the repository root (the same depth from src/ and dist/). */
export const defaultManifestPath = path.resolve(__dirname, '../../../schema/operations/manifest.json');

/** One entry of Apollo's persisted query list (`npm run operations` writes them). */
export interface TrustedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** The operations of the manifest: what partner keys may run, by id. */
export interface TrustedDocuments {
  readonly operations: readonly TrustedOperation[];
  /** The body of a trusted operation; this replica's manifest first, then the shared store. */
  get(id: string): Promise<string | undefined>;
  has(id: string): Promise<boolean>;
}

/**
 * Trusted documents stay in the shared store this long after the last replica that had them in
 * its manifest started: during a rolling deploy, replicas still on the previous manifest find
 * the new operations there.
 */
const sharedTtlSeconds = 30 * 24 * 3600;
const sharedKey = (id: string) => `gateway:trusted:${id}`;

export function readManifest(file: string = defaultManifestPath): TrustedOperation[] {
  let parsed: { format?: unknown; version?: unknown; operations?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot read the operations manifest at ${file} (${reason}). Run \`npm run operations\` to write it.`);
  }
  if (parsed.format !== 'apollo-persisted-query-manifest' || parsed.version !== 1 || !Array.isArray(parsed.operations)) {
    throw new Error(`${file} is not an Apollo persisted query manifest (format apollo-persisted-query-manifest, version 1).`);
  }
  const operations = parsed.operations as TrustedOperation[];
  for (const operation of operations) {
    // An id that is not the hash of its body would let a client register another body under it.
    if (typeof operation.body !== 'string' || operation.id !== sha256(operation.body)) {
      throw new Error(`${file}: the id of operation ${String(operation.name)} is not the SHA-256 of its body. Run \`npm run operations\`.`);
    }
  }
  return operations;
}

/** Reads the manifest and writes it to the shared store, so that every replica can serve it (best effort). */
export async function loadTrustedDocuments(options: { file?: string; store: KeyValueStore; logger: Logger }): Promise<TrustedDocuments> {
  const { store, logger } = options;
  const operations = readManifest(options.file);
  const local = new Map(operations.map((operation) => [operation.id, operation.body]));
  try {
    await Promise.all(operations.map((operation) => store.set(sharedKey(operation.id), operation.body, sharedTtlSeconds)));
    logger.info({ operations: operations.length }, 'trusted documents loaded');
  } catch (error) {
    // This replica serves its own manifest all the same; /ready reports Redis.
    logger.warn({ err: error }, 'could not share the trusted documents through Redis');
  }
  // Redis down: only this replica's manifest answers (an operation of a newer manifest is unknown until it is back).
  const get = async (id: string) => local.get(id) ?? (await store.get(sharedKey(id)).catch(() => null)) ?? undefined;
  return { operations, get, has: async (id) => (await get(id)) !== undefined };
}
