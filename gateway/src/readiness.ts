import { withDeadline } from '@waitlessq/subgraph-kit';

/** A dependency that must answer before this instance takes traffic. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  /** `ok`, or `failed: <reason>` for each check. */
  checks: Record<string, string>;
}

/** A subgraph's liveness endpoint, next to its GraphQL endpoint. */
export function healthUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + '/health';
  url.search = '';
  return url.toString();
}

export function subgraphHealthChecks(subgraphUrls: Record<string, string>, timeoutMs: number): Record<string, ReadinessCheck> {
  return Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      `subgraph:${name}`,
      async () => {
        const status = await withDeadline(timeoutMs, `no answer within ${timeoutMs} ms`, async (signal) => (await fetch(healthUrl(url), { signal })).status);
        if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
      },
    ]),
  );
}

/** Runs every check at once, each bounded in time, so one hung dependency cannot hang /ready. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs: number): Promise<ReadinessReport> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await outcome(check, timeoutMs)] as const));
  return { ready: entries.every(([, result]) => result === 'ok'), checks: Object.fromEntries(entries) };
}

async function outcome(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return `failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
