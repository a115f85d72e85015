// The disaster-recovery drills (docs/disaster-recovery.md), on throw-away PostgreSQL clusters:
//
//   npx tsx scripts/dr/drill.ts            # both
//   npx tsx scripts/dr/drill.ts restore    # backup, destroy, restore to the latest point and to a time
//   npx tsx scripts/dr/drill.ts failover   # kill the primary, promote the streaming replica, write through it
//   npx tsx scripts/dr/drill.ts failover --async   # the same with asynchronous replication (reports what is lost)
//
// Run as root or as postgres (the clusters and pgBackRest run as postgres; Debian's PostgreSQL
// and pgbackrest packages); the failover drill starts the built queue subgraph (`npm run build`
// first). Prints each drill's report as JSON; exits 1 when a drill fails (a visit missing).
// DR_KEEP=1 keeps the drills' directories under the temp directory for a look afterwards.
import { runFailoverDrill } from './failover-drill';
import { runRestoreDrill } from './restore-drill';

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  if (!['all', 'restore', 'failover'].includes(which)) throw new Error(`unknown drill '${which}' (all, restore or failover)`);
  const log = (line: string) => console.error(`dr: ${line}`);
  if (which !== 'failover') console.log(JSON.stringify({ restore: await runRestoreDrill({ log }) }, null, 2));
  const synchronous = !process.argv.includes('--async');
  if (which !== 'restore') console.log(JSON.stringify({ failover: await runFailoverDrill({ synchronous, log }) }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
