'use strict';
// JSON-RPC 2.0 over stdio, one message per line, as the Prisma CLI speaks to
// the native schema-engine. Requests are handled strictly one at a time (the
// CLI awaits each one anyway, and the wasm engine is single-threaded).
//
// The engine can also send requests *to* the CLI: the only one is `print`,
// which the CLI answers after writing `params.content` to its stdout. The
// wasm engine returns `diff` output as a string instead, so we forward it
// with `print` to keep `migrate diff` (and its --output capture) working.

const fs = require('node:fs');
const readline = require('node:readline');
const { createEngine } = require('./wasm-engine');
const { createAdapterFactory } = require('./adapter-factory');
const { createDatabase } = require('./db-admin');
const { toRpcError, isWasmPanic } = require('./errors');
const { log } = require('./log');

// Methods whose params and results are identical between the native RPC API and the wasm engine.
const PASSTHROUGH = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
]);

// The wasm engine only gives its shadow-database factory to devDiagnostic,
// diagnoseMigrationHistory and diff. createMigration and evaluateDataLoss
// instead read the schema of the migration history from a per-engine cache
// (keyed by the migration directories) that those calls fill; on a miss they
// fail with "PostgreSQL shadow DB must be provided through an external
// factory". diagnoseMigrationHistory caches the schema of the *applied*
// migrations only, so the entry for the full list exists only if it ran while
// the database was up to date. `migrate dev` applies pending migrations right
// before evaluateDataLoss, so diagnosing again just before the call fills the
// cache (and is a cheap cache hit when it is already there).
const NEEDS_MIGRATION_SCHEMA_CACHE = new Set(['createMigration', 'evaluateDataLoss']);

function serve(args) {
  const datasource = args.datasource || {};
  const { adapterFactory, settle, dropLeftoverShadows } = createAdapterFactory(datasource);
  let enginePromise;
  let nextClientRequestId = 1;
  const clientRequests = new Map();
  let queue = Promise.resolve();
  let shuttingDown = false;

  const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');

  function engine() {
    if (!enginePromise) {
      enginePromise = createEngine({
        datamodels: args.datamodels.map((file) => [file, fs.readFileSync(file, 'utf8')]),
        adapterFactory,
        onLog: log.raw,
      });
    }
    return enginePromise;
  }

  function requestClient(method, params) {
    const id = nextClientRequestId++;
    return new Promise((resolve) => {
      clientRequests.set(id, resolve);
      send({ jsonrpc: '2.0', id, method, params });
    });
  }

  async function call(method, params) {
    if (method === 'getDatabaseVersion') return (await engine()).version(params || null);
    if (method === 'createDatabase') {
      const ds = params && params.datasource;
      const url = ds && ds.tag === 'ConnectionString' ? ds.url : datasource.url;
      return { databaseName: await createDatabase(url) };
    }
    if (method === 'diff') {
      const { stdout, ...rest } = await (await engine()).diff(params);
      if (stdout) await requestClient('print', { content: stdout.replace(/\n$/, '') });
      return { ...rest, stdout: null };
    }
    if (PASSTHROUGH.has(method)) {
      const e = await engine();
      if (NEEDS_MIGRATION_SCHEMA_CACHE.has(method)) {
        await e.diagnoseMigrationHistory({
          migrationsList: params.migrationsList,
          optInToShadowDatabase: true,
          filters: params.filters,
        });
      }
      try {
        // Call through the instance: detaching the method loses the wasm pointer.
        return await e[method](params);
      } catch (error) {
        if (NEEDS_MIGRATION_SCHEMA_CACHE.has(method) && /shadow DB must be provided/.test(String(error && error.message))) {
          error.message =
            'The offline schema engine can only compute a new migration once every migration in the migrations ' +
            'folder is applied to the database. Apply them first (prisma migrate dev / migrate deploy).\n' +
            error.message;
        }
        throw error;
      }
    }
    const err = new Error(`The offline schema engine does not implement "${method}".`);
    err.rpcCode = -32601;
    throw err;
  }

  async function handle(request) {
    const { id, method, params } = request;
    log.debug(`-> ${method}`, { id });
    let response;
    let panicked = false;
    try {
      const result = await call(method, params);
      response = { jsonrpc: '2.0', id, result: result === undefined ? null : result };
    } catch (error) {
      panicked = isWasmPanic(error);
      const rpcError = error && error.rpcCode ? { code: error.rpcCode, message: error.message } : toRpcError(error, adapterFactory);
      log.debug(`<- ${method} failed`, { error: rpcError.data ? rpcError.data.message : rpcError.message });
      response = { jsonrpc: '2.0', id, error: rpcError };
    }
    // Shadow databases must be gone before the CLI sees the answer: it kills
    // us right after its last response arrives.
    await settle();
    if (id !== undefined) send(response);
    log.debug(`<- ${method}`, { id });
    if (panicked) {
      // A trapped wasm instance cannot be used again; exit like a panicking binary.
      await shutdown(101);
    }
  }

  function onLine(line) {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch (error) {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: `Parse error: ${error.message}` } });
      return;
    }
    if (typeof message.method === 'string') {
      queue = queue.then(() => handle(message));
    } else if (clientRequests.has(message.id)) {
      clientRequests.get(message.id)(message);
      clientRequests.delete(message.id);
    }
  }

  async function shutdown(code) {
    if (shuttingDown) return;
    shuttingDown = true;
    await dropLeftoverShadows().catch((error) => log.warn(`could not drop shadow database: ${error.message}`));
    process.exit(code);
  }

  readline
    .createInterface({ input: process.stdin, crlfDelay: Infinity })
    .on('line', onLine)
    .on('close', () => {
      // The CLI closes stdin when it is done; finish the request in flight first.
      queue.then(() => shutdown(0));
    });
  // The CLI sends SIGTERM right after closing stdin.
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(130));
}

module.exports = { serve };
