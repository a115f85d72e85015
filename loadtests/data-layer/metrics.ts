/**
 * Reads the Prometheus text of the subgraphs' /metrics and diffs two readings: the database
 * work of a run (statements by server, operation durations) and the caches' hits and misses.
 */

export interface Sample {
  /** `name{labels}` -> value, for the series this benchmark needs. */
  series: Map<string, number>;
}

const wanted =
  /^(wlq_db_statements_total|wlq_db_query_duration_seconds_bucket|wlq_db_query_duration_seconds_count|wlq_cache_requests_total)\{([^}]*)\} ([0-9.e+-]+)$/;

export async function readMetrics(baseUrls: string[]): Promise<Sample> {
  const series = new Map<string, number>();
  const texts = await Promise.all(baseUrls.map(async (url) => (await fetch(`${url}/metrics`)).text()));
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const match = wanted.exec(line);
      if (!match) continue;
      const key = `${match[1]}{${match[2]}}`;
      series.set(key, (series.get(key) ?? 0) + Number(match[3]));
    }
  }
  return { series };
}

function labelsOf(key: string): Record<string, string> {
  const inner = key.slice(key.indexOf('{') + 1, -1);
  return Object.fromEntries([...inner.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

function delta(before: Sample, after: Sample, name: string, filter: (labels: Record<string, string>) => boolean = () => true): number {
  let sum = 0;
  for (const [key, value] of after.series) {
    if (!key.startsWith(`${name}{`) || !filter(labelsOf(key))) continue;
    sum += value - (before.series.get(key) ?? 0);
  }
  return sum;
}

export interface DatabaseWork {
  statements: { primary: number; replica: number };
  operations: number;
  /** Prisma operation duration percentiles (ms), interpolated within histogram buckets. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  cache: { hits: number; misses: number };
}

export function databaseWork(before: Sample, after: Sample): DatabaseWork {
  const buckets = new Map<number, number>();
  for (const [key, value] of after.series) {
    if (!key.startsWith('wlq_db_query_duration_seconds_bucket{')) continue;
    const le = labelsOf(key).le;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + value - (before.series.get(key) ?? 0));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  const quantile = (q: number) => {
    const rank = q * total;
    let lower = 0;
    let below = 0;
    for (const [bound, count] of sorted) {
      if (count >= rank) {
        if (!Number.isFinite(bound)) return lower * 1000;
        const inBucket = count - below;
        return (lower + (inBucket === 0 ? 0 : ((rank - below) / inBucket) * (bound - lower))) * 1000;
      }
      lower = bound;
      below = count;
    }
    return lower * 1000;
  };
  return {
    statements: {
      primary: delta(before, after, 'wlq_db_statements_total', (l) => l.target === 'primary'),
      replica: delta(before, after, 'wlq_db_statements_total', (l) => l.target === 'replica'),
    },
    operations: delta(before, after, 'wlq_db_query_duration_seconds_count'),
    p50Ms: quantile(0.5),
    p95Ms: quantile(0.95),
    p99Ms: quantile(0.99),
    cache: {
      hits: delta(before, after, 'wlq_cache_requests_total', (l) => l.outcome === 'hit'),
      misses: delta(before, after, 'wlq_cache_requests_total', (l) => l.outcome === 'miss'),
    },
  };
}
