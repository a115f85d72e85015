#!/usr/bin/env node
'use strict';
// `prisma` for machines without internet access (air-gapped hospitals and
// offices): runs the project's pinned Prisma CLI with the wasm-backed
// schema-engine shim and with everything that would phone home switched off.
//
//   npm run prisma -- migrate deploy
//   node packages/prisma-offline/bin/prisma.js migrate status

const { spawn } = require('node:child_process');
const path = require('node:path');

const SHIM = path.resolve(__dirname, 'schema-engine.js');
// Harmless URL for commands that never connect but still evaluate
// prisma.config.ts, whose env('DATABASE_URL') throws when the variable is unset.
const PLACEHOLDER_DATABASE_URL = 'postgresql://prisma-offline:placeholder@127.0.0.1:5432/placeholder';
// Only for commands that never start the schema engine: the wasm engine opens
// a real connection at start-up, so even `migrate diff` between two schema
// files needs a reachable DATABASE_URL.
const NO_DATABASE_COMMANDS = new Set(['generate', 'validate', 'format', 'version', '-v', '--version']);

const args = process.argv.slice(2);
const command = args.find((a) => !a.startsWith('-')) || args[0];

const env = {
  ...process.env,
  // The CLI runs this file instead of looking for (and downloading) the native
  // engine; having it set also makes the CLI skip its engine download step.
  PRISMA_SCHEMA_ENGINE_BINARY: SHIM,
  // Update check and telemetry (checkpoint.prisma.io), run on every command.
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  // If a download is ever attempted anyway, do not also fetch .sha256 files.
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
};
if (!env.DATABASE_URL && NO_DATABASE_COMMANDS.has(command)) env.DATABASE_URL = PLACEHOLDER_DATABASE_URL;

const cli = require.resolve('prisma/build/index.js');
const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env });

// Forward Ctrl-C / termination so the CLI can clean up (it stops the engine,
// which drops any shadow database it created).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  console.error(`prisma-offline: could not start the Prisma CLI: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code === null ? 1 : code);
});
