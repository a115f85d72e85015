'use strict';
// The one-shot `cli <command>` form of the engine. The Prisma CLI runs
//   schema-engine --datasource '{"url":"..."}' cli can-connect-to-database
// before migrate dev/deploy/reset, and `cli create-database` when the first
// one failed with P1003. It only looks at the exit code and, on failure, at
// stderr: it drops the first line, JSON.parses the rest and picks the ERROR
// from target `schema_engine::logger` carrying `fields.error_code`.

const { canConnect, createDatabase, dropDatabase } = require('./db-admin');
const { log } = require('./log');

const COMMANDS = {
  'can-connect-to-database': (url) => canConnect(url),
  'create-database': async (url) => {
    const name = await createDatabase(url);
    process.stdout.write(`Database '${name}' was successfully created.\n`);
  },
  'drop-database': async (url) => {
    const name = await dropDatabase(url);
    process.stdout.write(`The database '${name}' was successfully dropped.\n`);
  },
};

/** @returns {Promise<number>} the process exit code */
async function runCliCommand(command, datasource) {
  // Sacrificial first line: the CLI discards line one of stderr.
  log.info(`Starting schema engine CLI (offline wasm shim): ${command}`);
  const run = COMMANDS[command];
  if (!run) {
    log.error(`Unknown cli command "${command}". Supported: ${Object.keys(COMMANDS).join(', ')}.`);
    return 1;
  }
  const url = datasource && datasource.url;
  if (!url) {
    log.error('The cli commands need --datasource \'{"url":"postgresql://..."}\'.');
    return 1;
  }
  try {
    await run(url);
    return 0;
  } catch (error) {
    const fields = { is_panic: false };
    if (error.code && /^P\d{4}$/.test(error.code)) {
      fields.error_code = error.code;
      fields.meta = error.meta;
    }
    log.error(error.message, fields);
    return 1;
  }
}

module.exports = { runCliCommand };
