import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { appBundlePath } from '../builds/app-bundle';

/** Publishing copies the customer app's bundle: suites build it once when it is missing. */
export function ensureAppBundle(): void {
  if (existsSync(appBundlePath)) return;
  execFileSync(process.execPath, [path.resolve(__dirname, '../../../../apps/customer/build.js')], { stdio: 'ignore' });
}
