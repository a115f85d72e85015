import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Before the integration suites: a streaming replica of this machine's PostgreSQL on port
 * 5433 (the read-replica tests prove which server answered). The script is idempotent and
 * takes well under a second when the replica already runs.
 */
export default function globalSetup(): void {
  const script = path.resolve(__dirname, '../../../scripts/replica/start-replica.sh');
  const result = spawnSync('bash', [script], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`could not start the PostgreSQL replica (${script}):\n${result.stdout}${result.stderr}`);
  }
}
