'use strict';
// Turns whatever the wasm engine (or our own code) throws into the JSON-RPC
// error object the native engine sends, because the CLI reads specific
// fields: `data.is_panic` (crash report flow), `data.error_code` (P-codes the
// CLI branches on, e.g. P3005/P3006/P3009/P3018) and `data.message` (shown).

const { lastPanicMessage } = require('./wasm-engine');

const JSON_RPC_SERVER_ERROR = 4466; // the code the native engine uses for every engine error

function isWasmPanic(error) {
  // A Rust panic inside wasm surfaces as a trap: RuntimeError "unreachable".
  return error instanceof WebAssembly.RuntimeError || (error && error.name === 'RuntimeError');
}

/**
 * Errors thrown by JS code running *under* the engine (our adapter factory,
 * node-postgres) cross the wasm boundary as `{ kind: "GenericJs", id }` and
 * come back as an engine error whose text only says "External error id#N";
 * the original error sits in the bound factory's registry under that id.
 * Splice its message back in so the user sees the real cause.
 */
function recoverJsError(error, errorRegistry) {
  const message = String((error && error.message) || '');
  const match = /External error id#(\d+)/.exec(message);
  if (!match || !errorRegistry) return error;
  const record = errorRegistry.consumeError(Number(match[1]));
  const original = record && record.error;
  if (!original) return error;
  const merged = new Error(message.replace(match[0], String(original.message || original)));
  if (original.code) merged.code = original.code;
  if (original.meta) merged.meta = original.meta;
  return merged;
}

function toRpcError(error, { errorRegistry } = {}) {
  error = recoverJsError(error, errorRegistry);

  if (isWasmPanic(error)) {
    return {
      code: JSON_RPC_SERVER_ERROR,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: true, message: lastPanicMessage() || String(error.message), backtrace: error.stack },
    };
  }
  const data = { is_panic: false, message: String((error && error.message) || error) };
  if (error && typeof error.code === 'string' && /^P\d{4}$/.test(error.code)) {
    data.error_code = error.code;
    data.meta = error.meta || {};
  }
  return { code: JSON_RPC_SERVER_ERROR, message: 'An error happened. Check the data field for details.', data };
}

module.exports = { toRpcError, isWasmPanic };
