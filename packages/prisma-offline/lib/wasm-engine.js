'use strict';
// Loads @prisma/schema-engine-wasm the way Prisma's own loader does.
//
// The package's main entry (`schema_engine.js`) imports the .wasm file as an
// ES module, which Node only supports behind --experimental-wasm-modules.
// Instead we import the JS glue (`schema_engine_bg.js`, ESM, hence the dynamic
// import from CommonJS), instantiate the .wasm ourselves with the glue as its
// import object, and start it.

const fs = require('node:fs');
const path = require('node:path');

let runtimePromise;

// The engine's Rust panic hook reports the panic message through this global
// before the wasm instance traps with a bare "RuntimeError: unreachable".
const panicRegistry = {
  message: undefined,
  set_message(message) {
    this.message = message;
  },
};
globalThis.PRISMA_WASM_PANIC_REGISTRY = panicRegistry;

/** The message of the last Rust panic, if any. */
function lastPanicMessage() {
  return panicRegistry.message;
}

function loadRuntime() {
  if (!runtimePromise) {
    runtimePromise = (async () => {
      const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
      const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
      const bytes = await fs.promises.readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
      const module = await WebAssembly.compile(bytes);
      const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': runtime });
      runtime.__wbg_set_wasm(instance.exports);
      // wasm-bindgen keeps global state in the glue module: start exactly once per process.
      instance.exports.__wbindgen_start();
      return runtime;
    })();
  }
  return runtimePromise;
}

/** Engine build hash, e.g. "0edf323efd1d98336f3f0a68684b56f689b900d3". */
async function engineVersion() {
  const runtime = await loadRuntime();
  return runtime.version();
}

/**
 * @param {object} opts
 * @param {[string, string][] | undefined} opts.datamodels  [path, content] pairs; undefined or non-empty
 * @param {object} opts.adapterFactory  bound migration-aware adapter factory
 * @param {(line: string) => void} opts.onLog  receives the engine's JSON log lines
 */
async function createEngine({ datamodels, adapterFactory, onLog }) {
  const runtime = await loadRuntime();
  return runtime.SchemaEngine.new({ datamodels: datamodels && datamodels.length ? datamodels : undefined }, onLog, adapterFactory);
}

module.exports = { loadRuntime, engineVersion, createEngine, lastPanicMessage };
