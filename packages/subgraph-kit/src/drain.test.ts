import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackConnections } from './drain';

function get(agent: http.Agent, port: number): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get({ agent, host: '127.0.0.1', port, path: '/' }, (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
      })
      .once('error', reject);
  });
}

describe('draining an HTTP server with keep-alive clients', () => {
  it('answers a request on an idle kept-alive connection after the drain began, with Connection: close, then stops', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const drain = trackConnections(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect(await get(agent, port)).toEqual({ status: 200, connection: 'keep-alive' });

    const drained = drain.drain({ graceMs: 5_000, quietMs: 300 });
    // The connection is idle; Node's own close() would have cut it here.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await get(agent, port)).toEqual({ status: 200, connection: 'close' });
    await expect(get(agent, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const started = Date.now();
    await drained;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.listening).toBe(false);
    agent.destroy();
  });

  it('closes a connection that stays quiet, and cuts what is left after the grace', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000).unref();
      res.end('ok');
    });
    const drain = trackConnections(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const quiet = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await get(quiet, port);
    const slow = new Promise((resolve) => http.get({ host: '127.0.0.1', port, path: '/slow' }, resolve).once('error', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await drain.drain({ graceMs: 500, quietMs: 100 });
    expect(Date.now() - started).toBeLessThan(3_000);
    await slow;
    quiet.destroy();
  });
});

describe('the stopping flag (readiness fails from it on)', () => {
  it('is set by stop() before any drain, and by drain() on its own', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const announced = trackConnections(server);
    expect(announced.stopping).toBe(false);
    announced.stop();
    expect(announced).toMatchObject({ stopping: true, draining: false });

    const direct = trackConnections(http.createServer());
    await direct.drain({ graceMs: 100 });
    expect(direct).toMatchObject({ stopping: true, draining: true });
  });
});
