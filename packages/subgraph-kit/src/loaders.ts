import DataLoader from 'dataloader';

/**
 * A per-request loader by id: one query for all the ids a request asks for, results in key
 * order, null for a missing id (an entity that does not exist, or another tenant's).
 */
export function createByIdLoader<T extends { id: string }>(fetchMany: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await fetchMany(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Rows by a key, in their order: one pass, so a batch of n keys over m rows costs n + m, not n * m. */
export function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
