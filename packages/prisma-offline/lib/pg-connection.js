'use strict';
// Connection-string handling and the node-postgres client used under the
// driver adapter.

const pg = require('pg');

const OID_CHAR = 18; // PostgreSQL's internal one-byte "char" type
const OID_TEXT = 25;

/**
 * The schema engine's introspection queries read catalog columns of type
 * "char" (pg_class.relkind, pg_constraint.contype, ...). @prisma/adapter-pg
 * has no column-type mapping for oid 18 and fails the whole query with
 * "Column type 'char' could not be deserialized". node-postgres already hands
 * the value over as a JS string (it has no parser for oid 18), so relabelling
 * the column as text is a faithful fix. This has to happen on the Client: the
 * adapter passes its own `types` per query, so a global type parser is not
 * consulted for the column type, and pooled clients used for transactions
 * bypass any pool-level wrapper.
 */
function relabelCharColumns(result) {
  if (Array.isArray(result)) return result.map(relabelCharColumns); // multi-statement simple query
  if (result && Array.isArray(result.fields)) {
    for (const field of result.fields) if (field.dataTypeID === OID_CHAR) field.dataTypeID = OID_TEXT;
  }
  return result;
}

class CharAsTextClient extends pg.Client {
  query(...args) {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err, res) => last(err, err ? res : relabelCharColumns(res));
      return super.query(...args);
    }
    const ret = super.query(...args);
    return ret && typeof ret.then === 'function' ? ret.then(relabelCharColumns) : ret;
  }
}

/** Parsed view of a postgres:// URL with the bits the shim needs. */
function parsePostgresUrl(connectionString) {
  let url;
  try {
    url = new URL(connectionString);
  } catch {
    throw new Error('The datasource URL is not a valid URL (expected postgresql://user:pass@host:port/db).');
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) {
    throw new Error(`Only postgresql:// datasource URLs are supported by the offline schema engine, got "${url.protocol}//".`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  return {
    url,
    database,
    host: url.hostname || url.searchParams.get('host') || 'localhost',
    port: url.port || '5432',
    user: decodeURIComponent(url.username || '') || process.env.PGUSER || process.env.USER || 'postgres',
    // Prisma's `?schema=` parameter (not understood by node-postgres).
    schema: url.searchParams.get('schema') || undefined,
  };
}

/**
 * The same URL pointing at another database. node-postgres lets the parsed
 * connection string win over a separate `database` option, so overriding the
 * database means rewriting the URL itself (this keeps sslmode, host=/socket
 * and credentials intact).
 */
function withDatabase(connectionString, database) {
  const url = new URL(connectionString);
  url.pathname = '/' + encodeURIComponent(database);
  return url.toString();
}

/** Pool/Client options for a URL, with the "char" fix and Prisma's `schema` as search_path. */
function clientConfig(connectionString, extra = {}) {
  const { url, schema } = parsePostgresUrl(connectionString);
  if (schema && !url.searchParams.has('options')) {
    url.searchParams.set('options', `-c search_path="${schema.replace(/"/g, '""')}"`);
  }
  return { connectionString: url.toString(), Client: CharAsTextClient, ...extra };
}

function quoteIdent(name) {
  return '"' + String(name).replace(/"/g, '""') + '"';
}

module.exports = { CharAsTextClient, parsePostgresUrl, withDatabase, clientConfig, quoteIdent, relabelCharColumns };
