import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphPool, type SubgraphPool } from './subgraph-pool';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local subgraph stand-in: records each call, answers as `answer` says (or never, for `hang`). */
async function upstream(answer: (seen: Seen, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const call = { method: req.method, url: req.url, headers: req.headers, body };
      seen.push(call);
      answer(call, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql?x=1`;
  return { server, url, seen };
}

describe('the subgraph pool', () => {
  let pool: SubgraphPool | undefined;
  let server: http.Server | undefined;
  afterEach(async () => {
    await pool?.close();
    server?.closeAllConnections();
    server?.close();
  });

  it('sends the call as given and answers with the status, headers and whole body', async () => {
    // A body in two chunks cut inside a two-byte character, and a header sent twice: both must come back whole.
    const data = JSON.stringify({ data: { items: Array.from({ length: 2_000 }, (_, i) => ({ id: `item-${i}`, name: 'ü'.repeat(i % 7) })) } });
    const bytes = Buffer.from(data);
    const cut = bytes.indexOf(Buffer.from('ü')) + 1;
    const stub = await upstream((_seen, res) => {
      res.writeHead(200, [
        ['content-type', 'application/json'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]);
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 5);
    });
    server = stub.server;
    pool = createSubgraphPool(stub.url);
    const body = JSON.stringify({ query: '{ items { id } }' });
    const response = await pool.fetcher(stub.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' }, body });

    expect(stub.seen).toEqual([
      { method: 'POST', url: '/graphql?x=1', headers: expect.objectContaining({ 'x-request-id': 'r-1', 'content-type': 'application/json' }), body },
    ]);
    expect([response.status, response.ok, response.url]).toEqual([200, true, stub.url]);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await response.text()).toBe(data);
    expect(await response.json()).toEqual(JSON.parse(data));
  });

  it('answers a refusal with its status, for the data source to read', async () => {
    const stub = await upstream((_seen, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"message":"no"}]}'));
    server = stub.server;
    pool = createSubgraphPool(stub.url);
    const response = await pool.fetcher(stub.url, { method: 'POST', headers: {}, body: '{}' });
    expect([response.status, response.ok, await response.text()]).toEqual([401, false, '{"errors":[{"message":"no"}]}']);
  });

  it('stops a call when its signal fires, with the signal’s reason, and the pool serves the next one', async () => {
    let hung = 0;
    const stub = await upstream((seen, res) => {
      if (seen.body === 'hang') hung++;
      else res.end('{"data":{}}');
    });
    server = stub.server;
    pool = createSubgraphPool(stub.url);
    const controller = new AbortController();
    const call = pool.fetcher(stub.url, { method: 'POST', headers: {}, body: 'hang', signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = new Error('request timed out after 50 ms');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(hung).toBe(1);
    expect(await (await pool.fetcher(stub.url, { method: 'POST', headers: {}, body: 'next' })).text()).toBe('{"data":{}}');
  });

  it('sends nothing for a signal that has already fired', async () => {
    const stub = await upstream((_seen, res) => res.end('{}'));
    server = stub.server;
    pool = createSubgraphPool(stub.url);
    const reason = new Error('too late');
    await expect(pool.fetcher(stub.url, { method: 'POST', headers: {}, body: '{}', signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(stub.seen).toEqual([]);
  });

  it('fails a call whose subgraph cannot be reached, and one made after the pool closed', async () => {
    const stub = await upstream((_seen, res) => res.end('{}'));
    const url = stub.url;
    await new Promise((resolve) => stub.server.close(resolve));
    pool = createSubgraphPool(url);
    await expect(pool.fetcher(url, { method: 'POST', headers: {}, body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const closed = pool;
    pool = undefined;
    await closed.close();
    await expect(closed.fetcher(url, { method: 'POST', headers: {}, body: '{}' })).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
  });
});
