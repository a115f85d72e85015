import http from 'node:http';
import { Client } from 'pg';
import { createIdentitySigner, identityHeader } from '@waitlessq/auth';
import {
  createTenant,
  createTestDatabase,
  graphEnv,
  rateLimitsOff,
  staffIdentity,
  startGraph,
  testSecrets,
  type RunningGraph,
  type RunningService,
  type Tenant,
  type TestDatabase,
} from '@waitlessq/testkit';

// SIGTERM under concurrent load (issue 13, "Graceful everything"; issue 14, finding 4): a
// gateway, and a subgraph, each serving closed loops of queries and mutations over keep-alive
// connections, plus a load balancer's readiness poll. Every request the process accepted gets
// a full answer (a mutation answered is committed; one refused never reached it), those sent
// after the signal with `Connection: close`; new connections are refused (a load balancer
// sends them to another replica); /ready answers 503 from the start of the stop; the process
// exits 0 within its budget in deploy/k8s (terminationGracePeriodSeconds less the preStop sleep).

jest.setTimeout(120_000);

/** deploy/k8s: gateway and subgraphs get 35 s of grace, 10 s of which the preStop sleep takes. */
const exitBudgetMs = 25_000;

let db: TestDatabase;
let sql: Client;
let graph: RunningGraph;
let tenant: Tenant;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  graph = await startGraph(graphEnv(db, { ...rateLimitsOff }));
  tenant = await createTenant(graph.gateway.url, 'Drain');
}, 120_000);

afterAll(async () => {
  await graph?.stop();
  await sql?.end();
  await db?.drop();
}, 30_000);

interface Answer {
  status: number;
  connection: string | undefined;
  body: { data?: Record<string, unknown> | null; errors?: unknown[] } | undefined;
}

function post(agent: http.Agent, url: URL, body: string, headers: Record<string, string>): Promise<Answer> {
  return send(agent, url, 'POST', { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, body);
}

function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { agent, method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.once('end', () => {
        let parsed: Answer['body'];
        try {
          parsed = JSON.parse(text) as Answer['body'];
        } catch {
          parsed = undefined;
        }
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: parsed });
      });
      response.once('error', reject);
    });
    request.once('error', reject);
    request.end(body);
  });
}

interface Load {
  /** Sends one request of this kind (`i` numbers the requests of the run) on the agent's connection. */
  query(agent: http.Agent): Promise<Answer>;
  join(agent: http.Agent, name: string): Promise<Answer>;
}

interface Outcome {
  /** Full answers: HTTP 200 with data and no errors. */
  answered: number;
  /** Of those, the answers sent after the signal (`Connection: close`). */
  answeredWithClose: number;
  /** Answers that were not full (an error, a bad status, no JSON): must be none. */
  partial: string[];
  /** Requests sent that never got an answer: must be none. */
  unanswered: string[];
  /** New connections refused once the process stopped listening. */
  refused: number;
  /** The names of the joins that were answered (each must be committed) and of all that were sent or refused. */
  joinsAnswered: string[];
  joinsTried: string[];
  /** /ready answers on a kept-alive connection: 200 before the signal (waited for); with Connection: close, 503. */
  readiness: { status: number; connection: string | undefined; body: unknown }[];
  exitCode: number | null;
  exitAfterMs: number;
}

const isFull = (answer: Answer) => answer.status === 200 && !!answer.body?.data && !answer.body.errors;

/**
 * `clients` closed loops (half queries, half joins), each on its own kept-alive connection, and
 * a readiness poll, until the process has exited; SIGTERM once every loop has had answers.
 */
async function loadAcrossSigterm(service: RunningService, load: Load, label: string, clients = 12): Promise<Outcome> {
  const outcome: Outcome = {
    answered: 0,
    answeredWithClose: 0,
    partial: [],
    unanswered: [],
    refused: 0,
    joinsAnswered: [],
    joinsTried: [],
    readiness: [],
    exitCode: null,
    exitAfterMs: 0,
  };
  let exited = false;
  let signalledAt = 0;
  const exit = new Promise<number | null>((resolve) =>
    service.process.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  let sequence = 0;
  const perLoop = new Array<number>(clients).fill(0);
  const loops = Array.from({ length: clients }, async (_, loop) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (!exited) {
        const joining = loop % 2 === 0;
        const name = `${label} ${sequence++}`;
        if (joining) outcome.joinsTried.push(name);
        try {
          const answer = joining ? await load.join(agent, name) : await load.query(agent);
          if (!isFull(answer)) {
            outcome.partial.push(`${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
            continue;
          }
          outcome.answered += 1;
          perLoop[loop] += 1;
          if (answer.connection === 'close') outcome.answeredWithClose += 1;
          if (joining) outcome.joinsAnswered.push(name);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          if (code === 'ECONNREFUSED') {
            outcome.refused += 1;
            return;
          }
          outcome.unanswered.push(`${code} ${signalledAt ? Date.now() - signalledAt : -1} ms after the signal`);
        }
      }
    } finally {
      agent.destroy();
    }
  });
  const readinessPoll = (async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL('/ready', service.baseUrl);
    try {
      while (!exited) {
        try {
          const answer = await send(agent, url, 'GET', {});
          outcome.readiness.push({ status: answer.status, connection: answer.connection, body: answer.body });
        } catch {
          return; // refused: the process no longer listens
        }
      }
    } finally {
      agent.destroy();
    }
  })();

  const deadline = Date.now() + 30_000;
  // Going: every loop answered, and the service said it is ready (a check may time out while it warms up).
  while (perLoop.some((count) => count < 2) || !outcome.readiness.some((answer) => answer.status === 200)) {
    if (Date.now() > deadline) throw new Error(`the load did not get going: ${JSON.stringify({ perLoop, outcome })}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  signalledAt = Date.now();
  service.process.kill('SIGTERM');
  outcome.exitCode = await exit;
  outcome.exitAfterMs = Date.now() - signalledAt;
  await Promise.all([...loops, readinessPoll]);
  return outcome;
}

/** What every drain must show, and the joins: exactly those answered are in the database. */
async function expectDrained(outcome: Outcome, label: string) {
  expect(outcome.unanswered).toEqual([]);
  expect(outcome.partial).toEqual([]);
  expect(outcome.answeredWithClose).toBeGreaterThan(0);
  expect(outcome.refused).toBeGreaterThan(0);
  expect(outcome.exitCode).toBe(0);
  expect(outcome.exitAfterMs).toBeLessThan(exitBudgetMs);

  const afterSignal = outcome.readiness.filter((answer) => answer.connection === 'close');
  expect(afterSignal.length).toBeGreaterThan(0);
  expect(afterSignal.every((answer) => answer.status === 503)).toBe(true);

  const { rows } = await sql.query<{ name: string }>(`SELECT "customerName" AS name FROM "Visit" WHERE "customerName" LIKE $1`, [`${label} %`]);
  expect(rows.map((row) => row.name).sort()).toEqual([...outcome.joinsAnswered].sort());
  expect(outcome.joinsAnswered.length).toBeGreaterThan(0);
  console.info(
    `${label}: ${outcome.answered} answered (${outcome.answeredWithClose} after the signal, with Connection: close), ` +
      `${outcome.refused} new connections refused, exit ${outcome.exitCode} after ${outcome.exitAfterMs} ms`,
  );
}

const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`;
const QUEUE = `query($id: ID!) { queue(id: $id) { id name waitingCount } }`;

describe('SIGTERM under load: every accepted request answered, then the process exits', () => {
  it('a gateway (queries and mutations through to the subgraphs)', async () => {
    const gateway = await graph.startGateway();
    const url = new URL('/graphql', gateway.baseUrl);
    const staff = { authorization: `Bearer ${tenant.staff.STAFF.accessToken}` };
    const outcome = await loadAcrossSigterm(
      gateway,
      {
        query: (agent) => post(agent, url, JSON.stringify({ query: QUEUE, variables: { id: tenant.queueId } }), staff),
        join: (agent, name) =>
          post(agent, url, JSON.stringify({ query: JOIN, variables: { input: { queueId: tenant.queueId, serviceId: tenant.serviceId, name } } }), {}),
      },
      'Drain gateway',
    );
    await expectDrained(outcome, 'Drain gateway');
  });

  it('a subgraph (the queue subgraph, called as the gateway calls it)', async () => {
    const queue = await graph.startReplica('queue');
    const url = new URL('/graphql', queue.baseUrl);
    const signer = createIdentitySigner(testSecrets.IDENTITY_SIGNING_SECRET);
    const asStaff = { [identityHeader]: await signer.sign(staffIdentity(tenant.organizationId, 'STAFF', tenant.staff.STAFF.id)) };
    const asAnonymous = { [identityHeader]: await signer.sign({ kind: 'anonymous' }) };
    const outcome = await loadAcrossSigterm(
      queue,
      {
        query: (agent) => post(agent, url, JSON.stringify({ query: QUEUE, variables: { id: tenant.queueId } }), asStaff),
        join: (agent, name) =>
          post(agent, url, JSON.stringify({ query: JOIN, variables: { input: { queueId: tenant.queueId, serviceId: tenant.serviceId, name } } }), asAnonymous),
      },
      'Drain queue',
    );
    await expectDrained(outcome, 'Drain queue');
  });
});
