import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '@waitlessq/config';

const root = path.resolve(__dirname, '../../..');

export type ServiceName = 'gateway' | 'user' | 'business' | 'queue' | 'pwa' | 'workers';

export interface RunningService {
  name: ServiceName;
  url: string;
  baseUrl: string;
  process: ChildProcess;
  /** What the process printed, for the failure message of a test. */
  output(): string;
  stop(): Promise<void>;
}

const entry = (name: ServiceName, checkout = root) =>
  path.join(checkout, name === 'gateway' || name === 'workers' ? name : `subgraphs/${name}`, 'dist/main.js');

/**
 * Starts a built service (`npm run build` first) as its own process and waits until its
 * /health answers. The end-to-end suites use real processes because the features they check
 * (signed identity between services, federation, concurrency) are about several processes.
 */
export interface StartOptions {
  /** How long a process may take to answer /health (30 s; more for a suite that starts many on a busy machine). */
  startTimeoutMs?: number;
  /**
   * Another checkout whose built services to run instead of this one's (a benchmark comparing
   * builds side by side, e.g. a `git worktree` of an older commit after its `npm ci` and build).
   */
  checkout?: string;
  /** Additions to the environment of some services only (a benchmark giving the subgraphs other V8 flags than the gateway). */
  envOf?: Partial<Record<ServiceName, Record<string, string>>>;
}

export async function startService(name: ServiceName, env: Record<string, string>, options: StartOptions = {}): Promise<RunningService> {
  const port = Number(env.PORT ?? (await freePort()));
  const checkout = options.checkout ?? root;
  const child = spawn(process.execPath, [entry(name, checkout)], {
    cwd: checkout,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env, ...options.envOf?.[name], PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => output, name, options.startTimeoutMs ?? 30_000);
  return {
    name,
    url: `${baseUrl}/graphql`,
    baseUrl,
    process: child,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become healthy in ${timeoutMs / 1000} s:\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  // A process killed by a signal (a test's SIGKILL) has no exit code, only its signal: it has exited.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface RunningGraph {
  gateway: RunningService;
  subgraphs: Record<Exclude<ServiceName, 'gateway' | 'workers'>, RunningService>;
  /**
   * Another gateway replica, its own process in front of the same subgraphs, with the graph's
   * environment and these additions; stopped with the graph.
   */
  startGateway(env?: Record<string, string>): Promise<RunningService>;
  /**
   * Another process of any of the graph's services (a second queue replica, say, or the workers), with the
   * graph's environment and these additions (e.g. a gateway whose QUEUE_SUBGRAPH_URL is that
   * replica); stopped with the graph.
   */
  startReplica(name: ServiceName, env?: Record<string, string>): Promise<RunningService>;
  stop(): Promise<void>;
}

/** The four subgraphs and the gateway, each in its own process, on one database and Redis. */
export async function startGraph(env: Record<string, string>, options: StartOptions = {}): Promise<RunningGraph> {
  const names = ['user', 'business', 'queue', 'pwa'] as const;
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const))) as Record<(typeof names)[number], number>;
  const urls = {
    USER_SUBGRAPH_URL: `http://127.0.0.1:${ports.user}/graphql`,
    BUSINESS_SUBGRAPH_URL: `http://127.0.0.1:${ports.business}/graphql`,
    QUEUE_SUBGRAPH_URL: `http://127.0.0.1:${ports.queue}/graphql`,
    PWA_SUBGRAPH_URL: `http://127.0.0.1:${ports.pwa}/graphql`,
  };
  const started: RunningService[] = [];
  try {
    const subgraphs = await Promise.all(
      names.map(async (name) => {
        const service = await startService(name, { ...env, ...urls, PORT: String(ports[name]) }, options);
        started.push(service);
        return service;
      }),
    );
    const gateway = await startService('gateway', { ...env, ...urls }, options);
    started.push(gateway);
    return {
      gateway,
      subgraphs: Object.fromEntries(subgraphs.map((s) => [s.name, s])) as RunningGraph['subgraphs'],
      startGateway: async (extra = {}) => {
        const replica = await startService('gateway', { ...env, ...urls, ...extra }, options);
        started.push(replica);
        return replica;
      },
      startReplica: async (name, extra = {}) => {
        const replica = await startService(name, { ...env, ...urls, ...extra }, options);
        started.push(replica);
        return replica;
      },
      stop: async () => void (await Promise.all(started.map((s) => s.stop()))),
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}
