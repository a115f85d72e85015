import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '@waitlessq/config';
import type { JobHandlers, JobRunner, Jobs, RunnerOptions } from '@waitlessq/jobs';
import { metricsRegistry, type Logger } from '@waitlessq/observability';
import { trackConnections } from '@waitlessq/subgraph-kit';

export interface StartWorkersOptions {
  config: Config;
  jobs: Jobs;
  handlers: JobHandlers;
  logger: Logger;
  runnerOptions?: RunnerOptions;
  /** What else must be up for jobs to succeed (the database, Redis); /ready answers 503 while false. */
  readiness?: () => Promise<boolean>;
  /** How long stop() lets the jobs in flight finish before they go back to their queue; 25 s by default. */
  graceMs?: number;
}

export interface Workers {
  /** /health, /ready and /metrics (Prometheus). */
  app: express.Express;
  runner: JobRunner;
  /** Listens on the configured host and port (0 picks a free one); resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops taking jobs, lets those in flight finish (up to the grace time), then closes the HTTP server. */
  stop(): Promise<void>;
}

/** A readiness check may not hang the probe (BullMQ's connection waits for Redis). */
const checkTimeoutMs = 2_000;

/** The workers service: the job runner and the HTTP endpoints its orchestrator probes and scrapes. */
export async function startWorkers(options: StartWorkersOptions): Promise<Workers> {
  const { config, jobs, handlers, logger } = options;
  const runner = await jobs.startRunner(handlers, options.runnerOptions);
  logger.info({ jobs: jobs.kind, handlers: Object.keys(handlers) }, 'job runner started');
  let stopping = false;

  const app = express();
  const httpServer = http.createServer(app);
  const connections = trackConnections(httpServer);
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: 'workers' }));
  app.get('/ready', async (_req, res) => {
    const checks = {
      runner: stopping ? 'stopping' : 'ok',
      // The queues answer (Redis reachable for BullMQ).
      jobs: await within(runner.counts().then(() => 'ok')),
      dependencies: options.readiness ? await within(options.readiness().then((ready) => (ready ? 'ok' : 'failed'))) : 'ok',
    };
    res.status(Object.values(checks).every((check) => check === 'ok') ? 200 : 503).json({ service: 'workers', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });

  let stopped: Promise<void> | null = null;
  return {
    app,
    runner,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          resolve(`http://${config.host}:${port}`);
        });
      }),
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        await runner.close(options.graceMs ?? 25_000);
        logger.info('job runner stopped');
        if (httpServer.listening) await connections.drain({ graceMs: 2_000 });
      })()),
  };
}

async function within(check: Promise<string>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`failed: no answer in ${checkTimeoutMs} ms`), checkTimeoutMs)));
  try {
    return await Promise.race([check.catch((error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
