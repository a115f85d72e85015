import http from 'node:http';
import { createTestDatabase, graphEnv, startService, testRedisUrl, testSecrets, type RunningService, type TestDatabase } from '@waitlessq/testkit';

// SIGTERM under a closed-loop load over keep-alive connections (issue 14, finding 4): every
// request sent on a connection the server has open is answered, those that arrive after the
// signal with `Connection: close`; only new connections are refused (a load balancer sends
// them to another replica). Then the process exits cleanly.

jest.setTimeout(120_000);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

interface LoadOutcome {
  answered: number;
  /** Answers that told the client to close the connection (sent after the signal). */
  answeredWithClose: number;
  /** New connections refused once the server stopped listening. */
  refused: number;
  /** Requests sent that never got an answer: must be 0. */
  unanswered: { code: string; at: number }[];
}

function send(agent: http.Agent, url: URL, body: string | undefined): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { agent, method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response));
        response.once('error', reject);
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

/** `clients` closed loops, each on its own kept-alive connection, until the server is gone. */
async function closedLoopAcrossSigterm(service: RunningService, path: string, body?: string, clients = 16): Promise<LoadOutcome & { exitCode: number | null }> {
  const url = new URL(path, service.baseUrl);
  const outcome: LoadOutcome = { answered: 0, answeredWithClose: 0, refused: 0, unanswered: [] };
  let signalledAt = 0;
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    service.process.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const loops = Array.from({ length: clients }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (!exited) {
        try {
          const response = await send(agent, url, body);
          outcome.answered += 1;
          if (response.headers.connection === 'close') outcome.answeredWithClose += 1;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          if (code === 'ECONNREFUSED') {
            outcome.refused += 1;
            return;
          }
          outcome.unanswered.push({ code, at: signalledAt ? Date.now() - signalledAt : -1 });
        }
      }
    } finally {
      agent.destroy();
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const before = outcome.answered;
  expect(before).toBeGreaterThan(0);
  signalledAt = Date.now();
  service.process.kill('SIGTERM');
  const exitCode = await exit;
  await Promise.all(loops);
  return { ...outcome, exitCode };
}

describe('SIGTERM drains kept-alive connections', () => {
  it('the gateway answers every request sent on its open connections, then exits', async () => {
    const gateway = await startService('gateway', { REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: `e2e:${db.name}:drain:`, ...testSecrets });
    const outcome = await closedLoopAcrossSigterm(gateway, '/graphql', JSON.stringify({ query: '{ __typename }' }));
    expect(outcome.unanswered).toEqual([]);
    expect(outcome.answeredWithClose).toBeGreaterThan(0);
    expect(outcome.exitCode).toBe(0);
  });

  it('a subgraph does the same', async () => {
    const subgraph = await startService('business', graphEnv(db));
    const outcome = await closedLoopAcrossSigterm(subgraph, '/health');
    expect(outcome.unanswered).toEqual([]);
    expect(outcome.answeredWithClose).toBeGreaterThan(0);
    expect(outcome.exitCode).toBe(0);
  });
});
