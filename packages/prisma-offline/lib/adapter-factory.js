'use strict';
// The driver-adapter factory handed to the wasm schema engine: @prisma/adapter-pg
// for the main database plus our own shadow-database handling.
//
// Why not PrismaPg's own connectToShadowDb():
//  - it builds the shadow pool as `{ ...config, database }`, and with a
//    connectionString node-postgres ignores that override, so the "shadow"
//    pool would silently point at the main database;
//  - its dispose drops the database *before* closing the pool, so PostgreSQL
//    waits 5 s and then refuses ("being accessed by other users"), leaking a
//    prisma_migrate_shadow_db_* database on every command;
//  - it ignores a configured shadowDatabaseUrl.

const crypto = require('node:crypto');
const { PrismaPg } = require('@prisma/adapter-pg');
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');
const { clientConfig, parsePostgresUrl, withDatabase, quoteIdent } = require('./pg-connection');
const { withClient, withServerClient, dropDatabase } = require('./db-admin');
const { log } = require('./log');

const SHADOW_PREFIX = 'prisma_migrate_shadow_db_';

function sameDatabase(a, b) {
  const x = parsePostgresUrl(a);
  const y = parsePostgresUrl(b);
  return x.host === y.host && x.port === y.port && x.database === y.database;
}

/**
 * PrismaPg's executeScript splits the script on every ";" and runs the pieces
 * one by one, which breaks migrations containing function bodies, DO blocks
 * or string literals with semicolons, and makes them non-atomic. The native
 * engine sends a migration as one simple-protocol query (PostgreSQL runs it
 * in an implicit transaction); do the same.
 */
async function connectAdapter(connectionString, pgOptions) {
  const adapter = await new PrismaPg(clientConfig(connectionString), pgOptions).connect();
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      adapter.onError(error); // rethrows as a DriverAdapterError the engine understands
    }
  };
  return adapter;
}

/**
 * @param {{ url?: string, shadowDatabaseUrl?: string }} datasource
 */
function createAdapterFactory(datasource = {}) {
  const { url, shadowDatabaseUrl } = datasource;
  const missingUrl = () => new Error('No datasource URL was given to the schema engine. Set `datasource.url` in prisma.config.ts (e.g. env("DATABASE_URL")).');

  const pgOptions = () => {
    const schema = url && parsePostgresUrl(url).schema;
    return schema ? { schema } : undefined;
  };

  /** Shadow databases we created and have not dropped yet, name -> drop(). */
  const liveShadows = new Map();
  /** Disposals in flight, so responses are only sent once the shadow db is gone. */
  const pending = new Set();

  const track = (promise) => {
    pending.add(promise);
    promise.finally(() => pending.delete(promise)).catch(() => {});
    return promise;
  };

  async function connectToUserShadowDb() {
    if (url && sameDatabase(url, shadowDatabaseUrl)) {
      throw new Error('The shadow database you configured appears to be the same as the main database. Please specify another shadow database.');
    }
    // The engine expects an empty shadow database (the native engine resets a
    // user-provided one too): drop every user schema, recreate public.
    await withClient(shadowDatabaseUrl, async (c) => {
      const { rows } = await c.query(`SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`);
      for (const { nspname } of rows) await c.query(`DROP SCHEMA ${quoteIdent(nspname)} CASCADE`);
      await c.query('CREATE SCHEMA IF NOT EXISTS public');
    });
    log.debug('using configured shadow database');
    return connectAdapter(shadowDatabaseUrl, pgOptions());
  }

  async function connectToTemporaryShadowDb() {
    const name = SHADOW_PREFIX + crypto.randomUUID().replace(/-/g, '_');
    const shadowUrl = withDatabase(url, name);
    const mainDb = parsePostgresUrl(url).database;
    await withServerClient(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`), [mainDb, 'postgres', 'template1']);
    log.debug(`created shadow database ${name}`);

    const drop = async ({ force = false } = {}) => {
      liveShadows.delete(name);
      try {
        await dropDatabase(shadowUrl, { ifExists: true, force });
      } catch (error) {
        // 55006: someone still holds a connection (should not happen since we
        // close our pool first); force it rather than leak the database.
        if (error.code !== '55006') throw error;
        await dropDatabase(shadowUrl, { ifExists: true, force: true });
      }
      log.debug(`dropped shadow database ${name}`);
    };
    liveShadows.set(name, drop);

    const adapter = await connectAdapter(shadowUrl, pgOptions());
    const closePool = adapter.dispose.bind(adapter);
    // Close the pool *before* dropping, otherwise DROP DATABASE blocks.
    adapter.dispose = () =>
      track(
        (async () => {
          try {
            await closePool();
          } finally {
            await drop();
          }
        })(),
      );
    return adapter;
  }

  const factory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      if (!url) throw missingUrl();
      return connectAdapter(url, pgOptions());
    },
    async connectToShadowDb() {
      if (shadowDatabaseUrl) return connectToUserShadowDb();
      if (!url) throw missingUrl();
      return connectToTemporaryShadowDb();
    },
  };

  return {
    adapterFactory: bindMigrationAwareSqlAdapterFactory(factory),
    /** Wait for shadow-database disposals that are still running. */
    settle: () => Promise.allSettled([...pending]),
    /** Drop shadow databases the engine never disposed (e.g. it panicked or we are being killed). */
    async dropLeftoverShadows() {
      await Promise.allSettled([...pending]);
      // FORCE: the engine may still hold an open pool on them.
      await Promise.allSettled([...liveShadows.values()].map((drop) => drop({ force: true })));
    },
  };
}

module.exports = { createAdapterFactory, SHADOW_PREFIX };
