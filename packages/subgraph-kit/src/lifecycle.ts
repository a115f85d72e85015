import { stopTracing, type Logger } from '@waitlessq/observability';

/** Stops cleanly on SIGINT/SIGTERM (Kubernetes sends SIGTERM, then waits for the grace period). */
export function runUntilSignalled(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop()
      // The spans of the last requests are still buffered: exported before the process ends.
      .then(() => stopTracing().catch((error) => logger.warn({ err: error }, 'could not export the last traces')))
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
