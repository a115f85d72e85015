import type { Client } from 'pg';

/** Every row of one tenant, table by table, in a stable order; and the tables that could not be scoped. */
export interface TenantRows {
  tables: Record<string, unknown[]>;
  /** Tables without a column that ties their rows to an organization (see `scopeOf`). */
  unscoped: string[];
}

/**
 * Reads every row that belongs to an organization, in every table of the database, found from
 * the catalogue rather than listed: a table added later is covered without anyone remembering
 * to. A row belongs to the organization through its `organizationId`, or through its business
 * or queue when it has no `organizationId` of its own (opening hours, ticket counters), or through
 * its webhook delivery (the attempts of a delivery).
 */
export async function snapshotTenantRows(sql: Client, organizationId: string): Promise<TenantRows> {
  const { rows: columns } = await sql.query<{ table: string; column: string }>(
    `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const { table, column } of columns) byTable.set(table, [...(byTable.get(table) ?? []), column]);

  const tables: Record<string, unknown[]> = {};
  const unscoped: string[] = [];
  for (const [table, names] of byTable) {
    if (backgroundTables.has(table)) continue;
    const scope = scopeOf(table, names);
    if (!scope) {
      unscoped.push(table);
      continue;
    }
    const order = names.map((_, i) => i + 1).join(', ');
    const { rows } = await sql.query(`SELECT * FROM "${table}" WHERE ${scope} ORDER BY ${order}`, [organizationId]);
    for (const row of rows as Record<string, unknown>[]) for (const column of backgroundColumns) delete row[column];
    tables[table] = rows;
  }
  return { tables, unscoped };
}

/**
 * What background work writes on its own timer, not any request: the insights rollup (its
 * table, and the mark it leaves on each visit it counted) and the outbox the relay empties. A
 * snapshot taken before and after a test would see them change whoever probed.
 */
const backgroundTables = new Set(['InsightsRollup', 'OutboxEvent']);
const backgroundColumns = ['rolledUpAt'];

function scopeOf(table: string, columns: string[]): string | null {
  if (table === 'Organization') return `"id" = $1`;
  if (columns.includes('organizationId')) return `"organizationId" = $1`;
  if (columns.includes('businessId')) return `"businessId" IN (SELECT "id" FROM "Business" WHERE "organizationId" = $1)`;
  if (columns.includes('queueId')) return `"queueId" IN (SELECT "id" FROM "Queue" WHERE "organizationId" = $1)`;
  if (columns.includes('deliveryId')) return `"deliveryId" IN (SELECT "id" FROM "WebhookDelivery" WHERE "organizationId" = $1)`;
  return null;
}
