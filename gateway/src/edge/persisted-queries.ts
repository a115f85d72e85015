import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { RequestHandler } from 'express';
import { sha256 } from '@waitlessq/auth';
import type { KeyValueStore } from '@waitlessq/redis';
import { persistedQueryOf, readGraphQLParams } from './request-params';
import { sendRefusal } from './refusal';
import type { TrustedDocuments } from './trusted-documents';

const sha256Hex = /^[0-9a-f]{64}$/;

/**
 * Apollo Server's automatic persisted queries, over the shared key-value store (Redis with
 * REDIS_URL, so every replica sees what any replica registered). Apollo asks for `apq:<hash>`;
 * the manifest's trusted documents answer first, then what clients registered.
 */
export function createPersistedQueryCache(options: { store: KeyValueStore; trusted: TrustedDocuments; ttlSeconds: number }): KeyValueCache<string> {
  const { store, trusted, ttlSeconds } = options;
  const storeKey = (key: string) => `gateway:${key}`;
  const hashOf = (key: string) => key.slice(key.indexOf(':') + 1);
  return {
    async get(key) {
      // Redis down is a miss: the client sends the query again (the protocol's own fallback).
      return (await trusted.get(hashOf(key))) ?? (await store.get(storeKey(key)).catch(() => null)) ?? undefined;
    },
    async set(key, value, options) {
      await store.set(storeKey(key), value, options?.ttl ?? ttlSeconds);
    },
    async delete(key) {
      await store.del(storeKey(key));
    },
  };
}

/**
 * Refuses malformed persisted-query requests before Apollo, with codes of their own: Apollo
 * answers a hash that does not match its query with a message and no code, which the error
 * formatter would mask as an internal error.
 */
export function usePersistedQueryChecks(): RequestHandler {
  return (req, res, next) => {
    const params = readGraphQLParams(req);
    const persisted = persistedQueryOf(params.extensions);
    if (!persisted) return next();
    if (persisted.version !== 1) {
      return sendRefusal(res, 'BAD_REQUEST', 'Only version 1 of the persisted query protocol is supported (extensions.persistedQuery.version).', 400);
    }
    if (typeof persisted.sha256Hash !== 'string' || !sha256Hex.test(persisted.sha256Hash)) {
      return sendRefusal(res, 'BAD_REQUEST', 'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query in lower-case hex (64 characters).', 400);
    }
    if (typeof params.query === 'string' && sha256(params.query) !== persisted.sha256Hash) {
      return sendRefusal(
        res,
        'PERSISTED_QUERY_HASH_MISMATCH',
        `extensions.persistedQuery.sha256Hash (${persisted.sha256Hash}) is not the SHA-256 of the query sent with it (${sha256(params.query)}).`,
        400,
      );
    }
    next();
  };
}
