'use strict';
// Database-level operations the wasm engine cannot do (it only ever gets a
// connection to an existing database through the driver adapter): checking
// that a database is reachable, creating and dropping whole databases.
// Failures are turned into Prisma's user-facing error codes because the CLI
// branches on them (P1003 "database does not exist" makes `migrate dev`,
// `migrate deploy` and `migrate reset` create the database).

const { CharAsTextClient, parsePostgresUrl, withDatabase, clientConfig, quoteIdent } = require('./pg-connection');

class UserFacingError extends Error {
  constructor(code, message, meta = {}) {
    super(message);
    this.name = 'UserFacingError';
    this.code = code;
    this.meta = meta;
  }
}

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Map a node-postgres error to the P-code the native engine would report. */
function toUserFacingError(error, connectionString) {
  if (error instanceof UserFacingError) return error;
  const { host, port, database, user } = parsePostgresUrl(connectionString);
  const at = `${host}:${port}`;
  if (SOCKET_ERRORS.has(error.code) || /timeout/i.test(error.message || '')) {
    return new UserFacingError('P1001', `Can't reach database server at \`${at}\`\n\nPlease make sure your database server is running at \`${at}\`.`, {
      database_host: host,
      database_port: port,
    });
  }
  switch (error.code) {
    case '3D000':
      return new UserFacingError('P1003', `Database \`${database}\` does not exist on the database server at \`${at}\`.`, {
        database_name: database,
        database_host: host,
        database_port: port,
      });
    case '28P01':
    case '28000':
      return new UserFacingError(
        'P1000',
        `Authentication failed against database server, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at the configured address.`,
        { database_user: user, database_host: host, database_port: port },
      );
    case '42P04':
      return new UserFacingError('P1009', `Database \`${database}\` already exists on the database server at \`${at}\``, {
        database_name: database,
        database_host: host,
        database_port: port,
      });
    case '42501':
      return new UserFacingError('P1010', `User \`${user}\` was denied access on the database \`${database}\``, {
        database_user: user,
        database_name: database,
      });
    default:
      return error;
  }
}

async function withClient(connectionString, fn) {
  const client = new CharAsTextClient(clientConfig(connectionString, { connectionTimeoutMillis: 10_000 }));
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Run `fn` on a connection to the same server but some database that exists:
 * CREATE/DROP DATABASE cannot run inside the target database, and the target
 * may not exist yet. Tries the maintenance databases like the native engine.
 */
async function withServerClient(connectionString, fn, databases = ['postgres', 'template1']) {
  let lastError;
  for (const db of databases) {
    try {
      return await withClient(withDatabase(connectionString, db), fn);
    } catch (error) {
      if (error.code !== '3D000') throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function canConnect(connectionString) {
  try {
    await withClient(connectionString, (c) => c.query('SELECT 1'));
  } catch (error) {
    throw toUserFacingError(error, connectionString);
  }
}

async function createDatabase(connectionString) {
  const { database } = parsePostgresUrl(connectionString);
  try {
    await withServerClient(connectionString, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
  } catch (error) {
    throw toUserFacingError(error, connectionString);
  }
  return database;
}

async function dropDatabase(connectionString, { ifExists = false, force = false } = {}) {
  const { database } = parsePostgresUrl(connectionString);
  try {
    await withServerClient(connectionString, (c) =>
      c.query(`DROP DATABASE ${ifExists ? 'IF EXISTS ' : ''}${quoteIdent(database)}${force ? ' WITH (FORCE)' : ''}`),
    );
  } catch (error) {
    throw toUserFacingError(error, connectionString);
  }
  return database;
}

module.exports = { UserFacingError, toUserFacingError, withClient, withServerClient, canConnect, createDatabase, dropDatabase };
