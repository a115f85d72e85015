import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@waitlessq/errors';
import { createSubgraphPool, type SubgraphPool } from '../subgraph-pool';
import { authorizeSubscription } from './authorize';
import type { Caller } from './caller';

// The subscribe's question to the queue subgraph, over the gateway's keep-alive pool, against a
// local stand-in of the subgraph: its answer, its refusal, its silence.

const caller: Caller = { identity: { kind: 'anonymous' }, key: 'anonymous', signedIdentity: async () => 'signed-identity' };
const args = { visitId: 'v-1', visitToken: 'token', afterSequence: 4 };

let server: http.Server;
let pool: SubgraphPool;
let url: string;
let answer: (body: string, res: http.ServerResponse) => void;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeEach(async () => {
  received.length = 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      answer(body, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  pool = createSubgraphPool(url);
});
afterEach(async () => {
  await pool.close();
  server.closeAllConnections();
  server.close();
});

const json = (res: http.ServerResponse, value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));

describe('authorizing a subscribe', () => {
  it('asks with the access question and the signed identity, answers the target, and then nothing fires', async () => {
    answer = (_body, res) => json(res, { data: { subscriptionAccess: { queueId: 'q-1', finished: false } } });
    const signals: AbortSignal[] = [];
    const fetcher: typeof pool.fetcher = (target, init) => (signals.push(init?.signal as AbortSignal), pool.fetcher(target, init));
    const target = await authorizeSubscription({ url, fetcher, timeoutMs: 1_000 }, 'visitUpdated', args, caller, 'ws:1:1');
    expect(target).toEqual({ queueId: 'q-1', finished: false });
    // The deadline went with the answer: past it, the finished call is not aborted after all.
    // (A second, so that a slow machine answers within it.)
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
    const [call] = received;
    expect(call?.headers['x-request-id']).toBe('ws:1:1');
    expect(Object.values(call?.headers ?? {})).toContain('signed-identity');
    expect(JSON.parse(call!.body)).toMatchObject({ variables: { field: 'visitUpdated', arguments: { visitId: 'v-1', visitToken: 'token' } } });
    expect(JSON.parse(call!.body).variables.arguments).not.toHaveProperty('afterSequence');
  });

  it("passes the subgraph's refusal on with its code", async () => {
    answer = (_body, res) => json(res, { data: null, errors: [{ message: 'No visit with this id.', extensions: { code: 'NOT_FOUND' } }] });
    const refusal = authorizeSubscription({ url, fetcher: pool.fetcher }, 'visitUpdated', args, caller, 'ws:1:2');
    await expect(refusal).rejects.toBeInstanceOf(AppError);
    await expect(refusal).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No visit with this id.' });
  });

  it('stops waiting at the deadline with an error that says so', async () => {
    answer = () => undefined; // never answers
    await expect(authorizeSubscription({ url, fetcher: pool.fetcher, timeoutMs: 50 }, 'visitUpdated', args, caller, 'ws:1:3')).rejects.toThrow(
      'The queue subgraph did not answer within 50 ms.',
    );
  });

  it('refuses an anonymous visitUpdated without a token before asking anyone', async () => {
    answer = (_body, res) => json(res, { data: { subscriptionAccess: { queueId: 'q-1', finished: false } } });
    await expect(authorizeSubscription({ url, fetcher: pool.fetcher }, 'visitUpdated', { visitId: 'v-1' }, caller, 'ws:1:4')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(received).toHaveLength(0);
  });
});
