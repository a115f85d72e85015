import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import {
  connectSubscriptions,
  createTenant,
  createTestDatabase,
  freePort,
  graphEnv,
  graphql,
  graphqlOk,
  rateLimitsOff,
  startGraph,
  type RunningGraph,
  type RunningService,
  type Tenant,
  type TestDatabase,
  type TestSubscriptionClient,
} from '@waitlessq/testkit';
import { apps, monitoringDir, renderStaticConfig, type App } from './prometheus-config';

// Debian's Prometheus against the running stack: the gateway, the four subgraphs and the
// workers as separate processes (the built services: `npm run build` first) on this suite's
// database, the workers with the machine's streaming replica (127.0.0.1:5433, started by the
// integration suites' global setup) as a read replica. Prometheus runs prometheus-static.yml, the file the
// Compose stack runs, with only the targets (this machine's ports) and the intervals (1 s, so
// the suite takes seconds) changed, and alerts.yml as its rules. After traffic that moves
// every metric (queries, a failing mutation, cache misses and hits, a live update, jobs), every
// PromQL expression of the Grafana dashboards and of the alert rules must return data.

const prometheusBin = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const dashboardsDir = path.join(monitoringDir, 'grafana/dashboards');
/**
 * Grafana's $__rate_interval, wider than Grafana would make it for a 1 s scrape interval so that
 * the window holds all of the suite's traffic: a quantile over a window with no observations
 * is NaN, which counts as no data below.
 */
const rateInterval = '5m';

let db: TestDatabase;
let graph: RunningGraph;
let workers: RunningService;
let tenant: Tenant;
let prometheus: ChildProcess | undefined;
let prometheusUrl: string;
let prometheusOutput = '';
let dataDir: string;
const clients: TestSubscriptionClient[] = [];

const address = (service: RunningService) => new URL(service.baseUrl).host;

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${prometheusOutput.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function sql<T>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function api<T>(pathname: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${prometheusUrl}${pathname}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${pathname} ${JSON.stringify(params)}: ${body.error}`);
  return body.data;
}

const query = (expr: string) => api<{ resultType: string; result: Sample[] }>('/api/v1/query', { query: expr });

interface Target {
  labels: Record<string, string>;
  health: string;
  lastScrape: string;
  lastError: string;
}
const targets = async () => (await api<{ activeTargets: Target[] }>('/api/v1/targets')).activeTargets;

/** Until every target has been scraped successfully after `since`. */
async function scrapedAfter(since: number): Promise<void> {
  let last: Target[] = [];
  try {
    await until('a scrape of every target', async () => {
      last = await targets();
      return last.length === apps.length && last.every((target) => target.health === 'up' && Date.parse(target.lastScrape) > since);
    });
  } catch (error) {
    const states = last.map((target) => `${target.labels.app} ${target.labels.instance}: ${target.health} at ${target.lastScrape} ${target.lastError}`);
    throw new Error(`${(error as Error).message}\ntargets:\n${states.join('\n')}`);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  const replica = new URL(db.url);
  replica.port = '5433';
  // The new database reaches the replica through the WAL.
  await until('the test database on the replica', async () => (await sql(replica.toString(), 'SELECT 1')).length === 1);
  // Caches on, as in production (tests default to none).
  graph = await startGraph(graphEnv(db, { ...rateLimitsOff, CACHE_TTL_SECONDS: '60' }), { startTimeoutMs: 60_000 });
  // The replica for the workers only: a subgraph reading from it would not find what another
  // caller wrote a moment before (read-your-writes holds per caller), and the tenant set up
  // below does that (an invitation accepted by the invitee) on a machine where the replica lags.
  workers = await graph.startReplica('workers', { DATABASE_REPLICA_URLS: replica.toString() });
  tenant = await createTenant(graph.gateway.url, 'Metrics');

  const services: Record<App, RunningService> = { ...graph.subgraphs, gateway: graph.gateway, workers };
  dataDir = mkdtempSync(path.join(tmpdir(), 'wlq-prometheus-'));
  const configFile = path.join(dataDir, 'prometheus.yml');
  writeFileSync(configFile, renderStaticConfig(Object.fromEntries(apps.map((app) => [app, [address(services[app])]])) as Record<App, string[]>, '1s'));
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    prometheusBin,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dataDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  prometheus.stdout?.on('data', (chunk) => (prometheusOutput += chunk));
  prometheus.stderr?.on('data', (chunk) => (prometheusOutput += chunk));
  await until('Prometheus ready', async () => (await fetch(`${prometheusUrl}/-/ready`)).ok);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await graph?.stop();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const QUEUE_UPDATED = `subscription($queueId: ID!) { queueUpdated(queueId: $queueId) { sequence change } }`;
const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`;
const BUSINESS = `query($id: ID!) { business(id: $id) { id name pwa { appName } } }`;

/**
 * One round of traffic that moves every metric: public reads through the business cache (hits,
 * and a miss for a business never asked for), the user subgraph, a live update to a subscriber (a join; the outbox
 * relay, the event log, the fan-out), the jobs its effects queue, a mutation that fails.
 */
async function exercise(round: number): Promise<void> {
  const gateway = graph.gateway.url;
  const client = await connectSubscriptions(gateway, bearer(tenant.staff.VIEWER.accessToken));
  clients.push(client);
  const updates = client.subscribe<{ queueUpdated: { change: string } }>(QUEUE_UPDATED, { queueId: tenant.queueId });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await graphqlOk(gateway, { query: JOIN, variables: { input: { queueId: tenant.queueId, name: `Metrics ${round}`, serviceId: tenant.serviceId } } });
  expect((await updates.next(20_000)).data?.queueUpdated.change).toBeDefined();
  for (let i = 0; i < 3; i++) await graphqlOk(gateway, { query: BUSINESS, variables: { id: tenant.businessId } });
  // The user subgraph (the staff member's own account; reads from the database).
  await graphqlOk(gateway, { query: '{ me { id } }', token: tenant.staff.STAFF.accessToken });
  // A business no one has asked for yet: a cache miss.
  await graphqlOk(gateway, { query: BUSINESS, variables: { id: randomUUID() } });
  const failed = await graphql(gateway, {
    query: 'mutation DashboardCallNext($queueId: ID!) { callNext(queueId: $queueId) { id } }',
    variables: { queueId: '00000000-0000-4000-8000-000000000000' },
    token: tenant.staff.STAFF.accessToken,
  });
  expect(failed.errors?.length).toBeGreaterThan(0);
  await client.close();
}

interface Panel {
  title?: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string }[] };
}

const dashboards = readdirSync(dashboardsDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(path.join(dashboardsDir, file), 'utf8')) as Dashboard);
const panelsOf = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);

interface Rule {
  alert: string;
  expr: string;
}
const rules = (parse(readFileSync(path.join(monitoringDir, 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules);

/**
 * The measured side of a rule: its operands joined by `and`/`or`/`unless` at the top level,
 * each without its final comparison with a number (`... > 0.2`, `== 0`). Firing depends on the
 * numbers, which a healthy test stack should not reach; what must hold is that each operand
 * measures something, i.e. returns series. An operand left empty here (a misspelt metric or
 * label, a metric no service exports) is an alert that can never fire.
 */
function measuredSides(expr: string): string[] {
  const operands: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const char = expr[i];
    if (char === '(' || char === '{' || char === '[') depth++;
    else if (char === ')' || char === '}' || char === ']') depth--;
    else if (depth === 0) {
      const match = /^\s(and|or|unless)\s/.exec(expr.slice(i));
      if (match) {
        operands.push(expr.slice(start, i));
        i += match[0].length - 1;
        start = i + 1;
      }
    }
  }
  operands.push(expr.slice(start));
  return operands.map((operand) => operand.trim().replace(/\s*(==|!=|>=|<=|>|<)\s*-?[\d.]+(e[+-]?\d+)?$/i, ''));
}

/** Series with a number (not NaN: a quantile of no observations) in the result. */
const withNumbers = (samples: Sample[]) => samples.filter((sample) => Number.isFinite(Number(sample.value[1])));

describe('Prometheus against the running stack (prometheus-static.yml, alerts.yml)', () => {
  it('scrapes all six services, loads the rules, and every dashboard panel and alert rule returns data', async () => {
    // Twice, each after a scrape: rate() needs two samples of a counter with an increase between them.
    await scrapedAfter(Date.now());
    await exercise(1);
    await scrapedAfter(Date.now());
    await exercise(2);
    await until('the jobs of the joins run', async () =>
      (await fetch(`${workers.baseUrl}/metrics`).then((r) => r.text())).match(/wlq_jobs_processed_total\{[^}]*outcome="completed"\} [1-9]/),
    );
    await scrapedAfter(Date.now());

    // The caches both missed and hit.
    const cache = await query('sum by (outcome) (wlq_cache_requests_total{job="waitlessq"})');
    expect(new Set(cache.result.map((sample) => sample.metric.outcome))).toEqual(new Set(['hit', 'miss']));

    // The outbox's lag is read from the server's clock against the rows' local timestamps: every
    // relay within a minute and no row waiting longer (a time-zone mix-up would read hours).
    const relays = await query('sum(wlq_outbox_relay_lag_seconds_bucket{job="waitlessq", le="60"}) - sum(wlq_outbox_relay_lag_seconds_count{job="waitlessq"})');
    expect(relays.result.map((sample) => Number(sample.value[1]))).toEqual([0]);
    const relayed = await query('sum(wlq_outbox_relay_lag_seconds_count{job="waitlessq"})');
    expect(Number(relayed.result[0]?.value[1])).toBeGreaterThanOrEqual(2);
    const oldest = await query('max(wlq_outbox_oldest_pending_seconds{job="waitlessq"})');
    expect(Number(oldest.result[0]?.value[1])).toBeLessThan(60);

    // Every target up, labelled by app as prometheus.yml labels them on Kubernetes.
    expect(new Set((await targets()).map((target) => target.labels.app))).toEqual(new Set(apps));

    // The subgraphs dashboard is one per service by its variable: each of the four is a value of it.
    const subgraphs = dashboards.find((dashboard) => dashboard.templating.list.some((variable) => variable.name === 'service'))!;
    const variable = subgraphs.templating.list.find((v) => v.name === 'service')!;
    const variableQuery = typeof variable.query === 'string' ? variable.query : variable.query.query;
    const selector = /^label_values\((.+), service\)$/.exec(variableQuery)![1];
    const serviceValues = await api<string[]>('/api/v1/label/service/values', { 'match[]': selector });
    expect(new Set(serviceValues)).toEqual(new Set(['user', 'business', 'queue', 'pwa']));

    const empty: string[] = [];
    let checked = 0;
    const check = async (where: string, expr: string) => {
      checked++;
      const result = await query(expr).catch((error: Error) => {
        empty.push(`${where}: ${error.message}`);
        return undefined;
      });
      if (result && withNumbers(result.result).length === 0) empty.push(`${where}: ${expr}`);
    };
    // Retried a few times: a series whose first samples came late needs one more scrape for rate().
    for (let attempt = 0; ; attempt++) {
      empty.length = 0;
      checked = 0;
      for (const dashboard of dashboards) {
        const values = dashboard === subgraphs ? serviceValues : [''];
        for (const panel of panelsOf(dashboard.panels)) {
          for (const target of panel.targets ?? []) {
            for (const value of values) {
              const expr = target.expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$service', value);
              await check(`${dashboard.title} / ${panel.title}${value ? ` (${value})` : ''}`, expr);
            }
          }
        }
      }
      for (const rule of rules) for (const side of measuredSides(rule.expr)) await check(`alert ${rule.alert}`, side);
      if (empty.length === 0 || attempt === 4) break;
      await scrapedAfter(Date.now());
    }
    expect(empty).toEqual([]);
    expect(checked).toBeGreaterThan(60);

    // Prometheus evaluates every rule without an error.
    const loaded = await api<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>('/api/v1/rules');
    const evaluated = loaded.groups.flatMap((group) => group.rules);
    expect(evaluated.map((rule) => rule.name).sort()).toEqual(rules.map((rule) => rule.alert).sort());
    expect(evaluated.filter((rule) => rule.health !== 'ok')).toEqual([]);
  });

  it('finds the measured side of a rule (the method above)', () => {
    expect(measuredSides('up{job="waitlessq"} == 0')).toEqual(['up{job="waitlessq"}']);
    expect(measuredSides('(sum by (a) (rate(x{o!="ok"}[5m])) / sum by (a) (rate(x[5m]))) > 0.001\nand\nsum by (a) (rate(x[5m])) > 1')).toEqual([
      '(sum by (a) (rate(x{o!="ok"}[5m])) / sum by (a) (rate(x[5m])))',
      'sum by (a) (rate(x[5m]))',
    ]);
    expect(measuredSides('count by (app) (vector(1) or vector(2)) unless count by (app) (up == 1)')).toEqual([
      'count by (app) (vector(1) or vector(2))',
      'count by (app) (up == 1)',
    ]);
  });

  it('the dashboards use the provisioned data source', () => {
    const provisioned = parse(readFileSync(path.join(monitoringDir, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string }[];
    };
    const uids = new Set(dashboards.flatMap((dashboard) => panelsOf(dashboard.panels).flatMap((panel) => JSON.stringify(panel).match(/"uid":"[^"]+"/g) ?? [])));
    expect(uids).toEqual(new Set([`"uid":"${provisioned.datasources[0].uid}"`]));
  });
});
