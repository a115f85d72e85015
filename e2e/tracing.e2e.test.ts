import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  graphEnv,
  graphql,
  graphqlOk,
  rateLimitsOff,
  startGraph,
  type RunningGraph,
  type RunningService,
  type TestDatabase,
} from '@waitlessq/testkit';

// Tracing (issue 13): the gateway, the subgraphs and the workers run as their own processes
// with the standard OTEL_* variables pointing at a local OTLP/HTTP receiver (the JSON protocol,
// decoded here as the OpenTelemetry collector would). One request carrying a client's W3C
// traceparent touches the user and business subgraphs: one trace, the client's, holds the
// gateway's spans, both subgraphs' and their SQL, each span under its caller. A join then
// continues the trace through the queue subgraph's outbox relay into the notification job the
// workers run.

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}
/** A received span with its service (resource service.name) and instrumentation scope. */
interface ReceivedSpan extends OtlpSpan {
  service: string;
  scope: string;
}

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

let db: TestDatabase;
let graph: RunningGraph;
let workers: RunningService;
let receiver: http.Server;
const spans: ReceivedSpan[] = [];
const refused: string[] = [];
let token: string;
let businessId: string;

/** An OTLP/HTTP trace receiver (POST /v1/traces, JSON protocol), keeping every span it is sent. */
async function startReceiver(): Promise<string> {
  receiver = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.url !== '/v1/traces' || !String(request.headers['content-type']).startsWith('application/json')) {
        refused.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
        response.writeHead(415).end();
        return;
      }
      const payload = JSON.parse(body) as OtlpExport;
      for (const { resource, scopeSpans } of payload.resourceSpans) {
        const service = resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '?';
        for (const { scope, spans: received } of scopeSpans) for (const span of received) spans.push({ ...span, service, scope: scope.name });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const collector = await startReceiver();
  db = await createTestDatabase();
  const env = graphEnv(db, {
    ...rateLimitsOff,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Spans leave within 100 ms instead of 5 s: the test waits for them, not for a timer.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  graph = await startGraph(env, { startTimeoutMs: 90_000 });
  // At info, the workers log the emails they write (no SMTP_URL): the log line of a traced job.
  workers = await graph.startReplica('workers', { LOG_LEVEL: 'info' });
  const label = `trace${randomBytes(4).toString('hex')}`;
  const { signUp } = await graphqlOk<{ signUp: { accessToken: string } }>(graph.gateway.url, {
    query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    variables: {
      input: {
        organizationName: `${label} Org`,
        organizationSlug: `${label}-org`,
        name: 'Owner',
        email: `owner@${label}.test`,
        password: 'tracing-password-1',
      },
    },
  });
  token = signUp.accessToken;
  const { createBusiness } = await graphqlOk<{ createBusiness: { id: string } }>(graph.gateway.url, {
    query: 'mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }',
    variables: { input: { name: `${label} Clinic`, slug: `${label}-clinic`, timezone: 'Europe/Berlin' } },
    token,
  });
  businessId = createBusiness.id;
}, 180_000);

afterAll(async () => {
  await graph?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await db?.drop();
}, 30_000);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The client's own span: a trace id and span id of its own, sampled. */
function clientSpan() {
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const traceOf = (traceId: string) => spans.filter((span) => span.traceId === traceId);
const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value;
const isSql = (span: ReceivedSpan) =>
  span.kind === CLIENT && ['postgresql'].includes(String((attribute(span, 'db.system.name') ?? attribute(span, 'db.system'))?.stringValue));

/** Whether every span's parent is in the trace or is the client's span (no export still on its way). */
const connected = (trace: ReceivedSpan[], clientSpanId: string) => {
  const ids = new Set([clientSpanId, ...trace.map((span) => span.spanId)]);
  return trace.every((span) => span.parentSpanId && ids.has(span.parentSpanId));
};

/**
 * Waits until the trace holds what `complete` looks for, every span's parent included: the
 * processes export their spans separately, a caller's usually after its callee's.
 */
async function waitForTrace(
  client: { traceId: string; spanId: string },
  complete: (trace: ReceivedSpan[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReceivedSpan[]> {
  const { traceId } = client;
  const deadline = Date.now() + timeoutMs;
  while (!(complete(traceOf(traceId)) && connected(traceOf(traceId), client.spanId))) {
    if (Date.now() > deadline) {
      const summary = traceOf(traceId).map((span) => `${span.service} ${span.kind} ${span.name}`);
      throw new Error(`trace ${traceId} incomplete after ${timeoutMs} ms; received: ${JSON.stringify(summary, null, 1)}; refused: ${refused.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return traceOf(traceId);
}

/** The span's ancestors within the trace, nearest first (stops where a parent is not in it). */
function ancestors(trace: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const chain: ReceivedSpan[] = [];
  for (let parent = span.parentSpanId && byId.get(span.parentSpanId); parent; parent = parent.parentSpanId && byId.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}

test('one request through the gateway is one trace: the gateway, both subgraphs and their SQL, each under its caller', async () => {
  const client = clientSpan();
  const answer = await graphql<{ me: { organization: { businesses: { id: string }[] } } }>(graph.gateway.url, {
    query: '{ me { id email organization { id name businesses { id name } } } }',
    token,
    headers: { traceparent: client.traceparent },
  });
  expect(answer.errors).toBeUndefined();
  expect(answer.data?.me.organization.businesses.map((b) => b.id)).toEqual([businessId]);

  const serverOf = (trace: ReceivedSpan[], service: string) => trace.filter((span) => span.service === service && span.kind === SERVER);
  const trace = await waitForTrace(client, (t) =>
    ['user', 'business'].every((service) => serverOf(t, service).length > 0 && t.some((span) => span.service === service && isSql(span))),
  );

  // The gateway continues the client's span: its server span is the client's child, and every
  // other span of the trace descends from it (nothing starts a trace of its own on the way).
  const [gatewayServer, ...otherRoots] = trace.filter((span) => span.parentSpanId === client.spanId);
  expect(otherRoots).toEqual([]);
  expect(gatewayServer).toMatchObject({ service: 'gateway', kind: SERVER });
  for (const span of trace.filter((s) => s !== gatewayServer)) expect(ancestors(trace, span).at(-1)).toBe(gatewayServer);

  for (const service of ['user', 'business']) {
    // Each subgraph's request span is the child of a gateway call to that subgraph (fetch/undici)...
    const [server] = serverOf(trace, service);
    const caller = trace.find((span) => span.spanId === server.parentSpanId)!;
    expect(caller).toMatchObject({ service: 'gateway', kind: CLIENT });
    expect(String(attribute(caller, 'url.full')?.stringValue)).toBe(graph.subgraphs[service as 'user' | 'business'].url);
    // ... and its SQL is under its request span, statement included.
    const sql = trace.filter((span) => span.service === service && isSql(span));
    for (const statement of sql) expect(ancestors(trace, statement)).toContain(server);
    expect(
      sql.some((statement) => /select/i.test(String(attribute(statement, 'db.query.text')?.stringValue ?? attribute(statement, 'db.statement')?.stringValue))),
    ).toBe(true);
  }
  // The gateway's own planning and execution spans (Apollo Gateway's) are in the same trace.
  expect(trace.some((span) => span.service === 'gateway' && span.scope === 'apollo/gateway-js')).toBe(true);
});

test('a join continues its trace through the outbox relay into the notification job the workers run', async () => {
  const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(graph.gateway.url, {
    query: 'mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }',
    variables: { input: { businessId, name: 'Traced desk' } },
    token,
  });
  const client = clientSpan();
  await graphqlOk(graph.gateway.url, {
    query: 'mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }',
    variables: { input: { queueId: createQueue.id, name: 'Traced walk-in', phone: '+4915200999001' } },
    headers: { traceparent: client.traceparent },
  });
  const jobSpan = (t: ReceivedSpan[]) => t.find((span) => span.service === 'workers' && span.kind === CONSUMER && span.name === 'job notify-visit');
  const trace = await waitForTrace(client, (t) => jobSpan(t) !== undefined && t.some((span) => span.service === 'queue' && span.kind === SERVER));
  const job = jobSpan(trace)!;
  // The job's span is the child of the queue subgraph's work that added it, in the request's trace.
  const chain = ancestors(trace, job);
  expect(chain[0].service).toBe('queue');
  expect(chain).toContainEqual(expect.objectContaining({ service: 'queue', kind: SERVER }));
  expect(chain.at(-1)).toMatchObject({ service: 'gateway', kind: SERVER, parentSpanId: client.spanId });
  // The handler's own work (its SQL) is inside the job's span.
  await waitForTrace(client, (t) => t.some((span) => span.service === 'workers' && isSql(span) && ancestors(t, span).includes(job)));
});

test("an invitation email job continues the inviting request's trace, and the workers' log line of it carries the trace and span ids", async () => {
  const client = clientSpan();
  const email = `invited-${hex(4)}@tracing.test`;
  await graphqlOk(graph.gateway.url, {
    query: 'mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { invitation { id } } }',
    variables: { input: { email, role: 'VIEWER' } },
    token,
    headers: { traceparent: client.traceparent },
  });
  const jobSpan = (t: ReceivedSpan[]) => t.find((span) => span.service === 'workers' && span.kind === CONSUMER && span.name === 'job invitation-email');
  const trace = await waitForTrace(client, (t) => jobSpan(t) !== undefined);
  const job = jobSpan(trace)!;
  expect(ancestors(trace, job)).toContainEqual(expect.objectContaining({ service: 'user', kind: SERVER }));

  // The email goes to the log (no SMTP_URL) inside the job: that line names the trace and a span of it.
  const emailLine = () =>
    workers
      .output()
      .split('\n')
      .filter((text) => text.includes(email))
      .map((text) => JSON.parse(text) as { trace_id?: string; span_id?: string; msg: string })
      .find((entry) => entry.msg.startsWith('email written to the log'));
  const deadline = Date.now() + 10_000;
  while (!emailLine() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const line = emailLine();
  expect(line?.trace_id).toBe(client.traceId);
  expect(trace.map((span) => span.spanId)).toContain(line?.span_id);
});

test("a GET request's variables (personal data in the query string) stay out of its spans", async () => {
  const client = clientSpan();
  const secret = `secret-${hex(4)}@tracing.test`;
  const query = new URLSearchParams({ query: 'query($email: String) { __typename }', variables: JSON.stringify({ email: secret }) });
  await fetch(`${graph.gateway.url}?${query}`, { headers: { traceparent: client.traceparent, 'apollo-require-preflight': 'true' } });
  const trace = await waitForTrace(client, (t) => t.some((span) => span.service === 'gateway' && span.kind === SERVER));
  const server = trace.find((span) => span.service === 'gateway' && span.kind === SERVER)!;
  expect(String((attribute(server, 'http.target') ?? attribute(server, 'url.path'))?.stringValue)).toBe('/graphql');
  expect(JSON.stringify(trace)).not.toContain(secret.split('@')[0]);
});

test('only requests and jobs start traces: the timers (outbox sweep, job schedulers) and the queues polling Redis make none', () => {
  // By now the queue subgraph's outbox sweep has queried every second, BullMQ has polled Redis.
  const roots = spans.filter((span) => !span.parentSpanId);
  expect(roots.length).toBeGreaterThan(0);
  expect(roots.filter((span) => span.kind !== SERVER && span.kind !== CONSUMER).map((span) => `${span.service} ${span.name}`)).toEqual([]);
});
