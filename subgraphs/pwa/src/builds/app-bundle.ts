import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The customer app's script (apps/customer, built by esbuild), the same for every business.
 * Each published version stores a copy of it, so an old version keeps running the code it was
 * published with after the services are redeployed with a newer app.
 */
export const appBundlePath = path.resolve(__dirname, '../../../../apps/customer/dist/app.js');

let cached: { mtimeMs: number; content: string } | null = null;

export async function readAppBundle(file = appBundlePath): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new Error(`The customer app is not built (${file} is missing): run \`npm run build -w apps/customer\`.`);
  }
  if (!cached || cached.mtimeMs !== info.mtimeMs) cached = { mtimeMs: info.mtimeMs, content: await readFile(file, 'utf8') };
  return cached.content;
}
