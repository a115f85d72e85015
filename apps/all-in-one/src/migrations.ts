import { spawn } from 'node:child_process';
import path from 'node:path';

const repositoryRoot = path.resolve(__dirname, '../../..');

/**
 * `prisma migrate deploy` against a PostgreSQL database (the embedded one migrates itself when
 * it opens). Runs the project's offline Prisma wrapper, the same as `npm run migrate:deploy`.
 */
export function deployMigrations(databaseUrl: string, env: NodeJS.ProcessEnv): Promise<string> {
  const cli = path.join(repositoryRoot, 'packages/prisma-offline/bin/prisma.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: repositoryRoot,
      env: { ...env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`prisma migrate deploy failed (${signal ?? `exit code ${code}`}):\n${output}`));
    });
  });
}
