import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { visitTokenFor, visitTokenHash } from '../../subgraphs/queue/src/visits/visit-token';

export interface SeededVisit {
  id: string;
  token: string;
}

/**
 * Waiting visits written straight into the table (setting up thousands through joinQueue
 * would take minutes and publish thousands of events that are not what is measured), with the
 * visit tokens their holders would have been given.
 */
export async function seedWaitingVisits(
  databaseUrl: string,
  visitTokenSecret: string,
  queue: { id: string; organizationId: string; businessId: string; serviceId: string },
  count: number,
): Promise<SeededVisit[]> {
  const visits = Array.from({ length: count }, () => {
    const id = randomUUID();
    return { id, token: visitTokenFor(visitTokenSecret, id) };
  });
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    for (let start = 0; start < count; start += 1_000) {
      const batch = visits.slice(start, start + 1_000);
      await sql.query(
        `INSERT INTO "Visit" ("id", "organizationId", "queueId", "businessId", "serviceId", "customerName", "status", "priority", "ticketDay", "ticketNumber",
                              "ticket", "joinedAt", "visitTokenHash", "kind", "source", "partySize", "expectedServiceMinutes", "updatedAt")
         SELECT v.id, $2::uuid, $3::uuid, $4::uuid, $7::uuid, 'Visitor ' || v.n, 'WAITING'::"VisitStatus", 0, CURRENT_DATE, v.n,
                'A-' || lpad(v.n::text, 4, '0'), now() - interval '1 hour' + make_interval(secs => v.n / 1000.0), v.hash,
                'WALK_IN'::"VisitKind", 'PWA'::"VisitSource", 1, 10, now()
         FROM unnest($1::uuid[], $5::int[], $6::text[]) AS v(id, n, hash)`,
        [
          batch.map((visit) => visit.id),
          queue.organizationId,
          queue.id,
          queue.businessId,
          batch.map((_, i) => start + i + 1),
          batch.map((visit) => visitTokenHash(visit.token)),
          queue.serviceId,
        ],
      );
    }
  } finally {
    await sql.end();
  }
  return visits;
}
