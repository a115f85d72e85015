'use strict';
// Diagnostics for the schema-engine shim. Everything goes to stderr, because
// stdout carries the JSON-RPC protocol.
//
// Lines are JSON in the shape the native Rust engine emits (tracing's JSON
// formatter), because the Prisma CLI parses them: in RPC mode it keeps
// `fields.message` of every line and treats a `level: "ERROR"` line as the
// reason when the engine exits; in `cli <command>` mode it skips the first
// stderr line and JSON.parses every other one, looking for an ERROR from
// target `schema_engine::logger` with `fields.error_code`.

const TARGET = 'schema_engine::logger';
const debugEnabled = /^(1|true|yes)$/i.test(process.env.PRISMA_OFFLINE_DEBUG || '');

function write(level, fields, target = TARGET) {
  const line = JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target });
  process.stderr.write(line + '\n');
}

const log = {
  info: (message, extra = {}) => write('INFO', { message, ...extra }),
  warn: (message, extra = {}) => write('WARN', { message, ...extra }),
  error: (message, extra = {}) => write('ERROR', { message, ...extra }),
  debug: (message, extra = {}) => {
    if (debugEnabled) write('DEBUG', { message, ...extra }, 'prisma_offline');
  },
  /** Lines the wasm engine hands to its log callback are already JSON in the native shape. */
  raw: (line) => {
    const text = String(line).trim();
    if (!text) return;
    try {
      JSON.parse(text);
      process.stderr.write(text + '\n');
    } catch {
      write('INFO', { message: text }, 'schema_engine_wasm');
    }
  },
};

/**
 * Node prints its own warnings (deprecations, experimental features) as plain
 * text on stderr; one such line would make the CLI's JSON parsing of stderr
 * throw. Re-emit them as JSON log lines instead.
 */
function captureProcessWarnings() {
  process.removeAllListeners('warning');
  process.on('warning', (w) => log.warn(`${w.name}: ${w.message}`));
}

/**
 * stdout belongs to the protocol: anything a dependency prints with
 * console.log/info/debug (wasm glue, debug helpers) is re-routed to stderr.
 */
function keepStdoutForProtocol() {
  const util = require('node:util');
  const toStderr = (...args) => log.info(util.format(...args));
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

module.exports = { log, captureProcessWarnings, keepStdoutForProtocol };
