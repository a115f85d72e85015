import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort } from '@waitlessq/config';

/**
 * A Redis of one test's own, on a free port, without persistence: a suite that stops, pauses
 * or restarts Redis does it to this one, never to the machine's shared Redis on 6379. Only an
 * explicit SAVE writes a snapshot (in a directory of its own), which a later start() loads:
 * a Redis "restarted from an old snapshot".
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** Starts the server (again, on the same port after stop()); resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL, a crash) and waits until it has exited. */
  crash(): Promise<void>;
  /** Removes the last SAVE's snapshot: the next start() comes back empty. */
  forgetSnapshot(): void;
  /** Stops the server and removes its directory. */
  remove(): Promise<void>;
}

export async function createPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'wlq-redis-'));
  let server: ChildProcess | null = null;
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port,
    async start() {
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
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
    stop: () => end('SIGTERM'),
    crash: () => end('SIGKILL'),
    forgetSnapshot: () => rmSync(path.join(dir, 'dump.rdb'), { force: true }),
    async remove() {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };

  async function end(signal: NodeJS.Signals): Promise<void> {
    const child = server;
    server = null;
    if (!child) return;
    child.kill(signal);
    await exited(child);
  }
}
