import { spawn, type ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './free-port';

/**
 * A Redis of one test's own, on a free port, without persistence: a suite that stops, pauses
 * or restarts Redis does it to this one, never to the machine's shared Redis on 6379.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** Starts the server (again, on the same port after stop()); resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
}

export async function createPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port,
    async start() {
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // Refused while the server starts: connect() rejects, and the event needs no report.
      probe.on('error', () => undefined);
      const deadline = Date.now() + 10_000;
      try {
        for (;;) {
          try {
            await probe.connect();
            await probe.ping();
            return;
          } catch (error) {
            if (Date.now() > deadline) throw error;
            probe.disconnect();
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      } finally {
        probe.disconnect();
      }
    },
    async stop() {
      const child = server;
      server = null;
      if (!child) return;
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
