import { spawnSync } from 'node:child_process';
import { runFailoverDrill } from '../scripts/dr/failover-drill';
import { runRestoreDrill } from '../scripts/dr/restore-drill';

// The disaster-recovery drills of scripts/dr (docs/disaster-recovery.md), each on throw-away
// PostgreSQL clusters of its own: a restore from pgBackRest after the primary's data is deleted,
// and a failover to a streaming replica. pgBackRest comes from Debian (.ci/run installs it).

const pgbackrest = spawnSync('pgbackrest', ['version']).status === 0;
if (!pgbackrest) console.warn('disaster-recovery.e2e.test.ts: the restore drill is skipped: no pgbackrest (apt-get install pgbackrest)');

describe('disaster recovery', () => {
  (pgbackrest ? it : it.skip)('restores a destroyed primary from pgBackRest: to the latest archived point, and to a chosen time exactly', async () => {
    const report = await runRestoreDrill();
    console.log(`restore drill: ${JSON.stringify(report)}`);
    // Every visit whose WAL reached the archive before the primary died is back, in commit order
    // (the drill checks there is no gap and nothing unknown); what is lost is the unarchived tail.
    expect(report.latest.archivedBeforeDestruction).toBeGreaterThan(0);
    expect(report.latest.restored).toBeGreaterThanOrEqual(report.latest.archivedBeforeDestruction);
    expect(report.latest.restored + report.latest.lostVisits).toBe(report.visitsCommitted);
    // archive_timeout is 1 s in the drill: a few seconds at most, even on a busy machine.
    expect(report.latest.rpoSeconds).toBeLessThan(15);
    // To the time: exactly the visits committed before it, none after.
    expect(report.pointInTime.expected).toBeGreaterThan(0);
    expect(report.pointInTime.expected).toBeLessThan(report.visitsCommitted);
    expect(report.pointInTime.restored).toBe(report.pointInTime.expected);
  });

  it('promotes the synchronous replica when the primary dies: no acknowledged visit lost, the queue subgraph takes a join through it', async () => {
    const report = await runFailoverDrill({ synchronous: true });
    console.log(`failover drill: ${JSON.stringify(report)}`);
    expect(report.visitsCommitted).toBeGreaterThanOrEqual(200);
    expect(report.lostVisits).toBe(0);
    expect(report.visitsOnPromoted).toBe(report.visitsCommitted);
    expect(report.joinedVisitId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
