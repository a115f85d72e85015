// Bundles the customer app with esbuild: one minified script, shared by every business's app
// (publishPwa copies it into each version it publishes). The ids of the app's trusted documents
// (schema/operations/pwa/) are compiled in, so the app sends ids, never query text.
const { readFileSync, mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'schema/operations/manifest.json'), 'utf8'));
const operationIds = Object.fromEntries(manifest.operations.filter((op) => op.name.startsWith('Pwa')).map((op) => [op.name, op.id]));

async function build() {
  const outdir = path.join(__dirname, 'dist');
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'src/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    define: { __OPERATION_IDS__: JSON.stringify(operationIds) },
    write: false,
    legalComments: 'none',
  });
  const code = result.outputFiles[0].contents;
  writeFileSync(path.join(outdir, 'app.js'), code);
  const gzip = zlib.gzipSync(code, { level: 9 }).byteLength;
  writeFileSync(path.join(outdir, 'size.json'), `${JSON.stringify({ bytes: code.byteLength, gzipBytes: gzip }, null, 2)}\n`);
  console.log(`apps/customer/dist/app.js: ${code.byteLength} bytes, ${gzip} gzipped`);
}

build().catch((error) => {
  console.error(error);
  process.exit(1);
});
