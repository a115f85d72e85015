#!/usr/bin/env node
'use strict';
// Drop-in replacement for Prisma's native `schema-engine` binary, for machines
// that cannot download it. It speaks the same stdio protocol and delegates the
// real work to @prisma/schema-engine-wasm running over @prisma/adapter-pg
// (PostgreSQL only). Point PRISMA_SCHEMA_ENGINE_BINARY at this file, or use
// bin/prisma.js which does that. See ../README.md.
//
//   schema-engine.js --version
//   schema-engine.js --datasource '{"url":"postgresql://..."}' cli can-connect-to-database
//   schema-engine.js [--datamodels schema.prisma]... [--datasource <json>]   (JSON-RPC on stdio)

const { parseArgv } = require('../lib/argv');
const { log, captureProcessWarnings, keepStdoutForProtocol } = require('../lib/log');
const { engineVersion } = require('../lib/wasm-engine');
const { runCliCommand } = require('../lib/cli-commands');
const { serve } = require('../lib/rpc-server');

async function main() {
  captureProcessWarnings();
  const args = parseArgv(process.argv.slice(2));
  if (args.unknown.length) log.warn(`ignoring unknown arguments: ${args.unknown.join(' ')}`);

  if (args.help) {
    process.stdout.write('Usage: schema-engine.js [--datamodels <file>]... [--datasource <json>] [cli <command>] | --version\n');
    return;
  }
  if (args.version) {
    // `prisma version` prints this line as the schema engine version.
    process.stdout.write(`schema-engine-cli ${await engineVersion()}\n`);
    return;
  }
  if (args.cliCommand) {
    process.exitCode = await runCliCommand(args.cliCommand, args.datasource);
    return;
  }
  keepStdoutForProtocol();
  serve(args);
}

main().catch((error) => {
  log.error(error && error.stack ? error.stack : String(error), { is_panic: false });
  process.exit(1);
});
