import type { NotificationConfig } from '@waitlessq/config';
import type { QueueName } from './catalog';
import type { RunnerOptions } from './jobs';

export const queueNames: readonly QueueName[] = ['notifications', 'email', 'push', 'sms', 'webhooks', 'maintenance'];

export type JobSettings = NotificationConfig['jobs'];

/** The configuration's defaults, for a memory job system made without a configuration (tests). */
export const defaultJobSettings: JobSettings = {
  concurrency: { email: 5, push: 20, sms: 5, webhooks: 20 },
  perSecond: { email: 20, sms: 10 },
};

/**
 * BullMQ runs jobs without a priority before prioritized ones; the contract puts them after
 * (a "called" notification must overtake a backlog), so they get the lowest priority there is.
 */
export const lowestPriority = 2_097_151;

/** Failed runs of a repeated job kept in the dead-letter list (one fails every interval while its cause lasts). */
export const keptRepeatedFailures = 100;

/** Jobs in flight per queue in one process: the runner's options, else the configuration. */
export function concurrencyOf(queue: QueueName, options: RunnerOptions, settings: JobSettings): number {
  const given = options.concurrency?.[queue];
  if (given !== undefined) return Math.max(1, Math.floor(given));
  switch (queue) {
    case 'notifications':
      return 20;
    // The repeated sweeps must not overlap themselves.
    case 'maintenance':
      return 1;
    default:
      return settings.concurrency[queue];
  }
}

/** Jobs started per second on a queue (provider rate limits); null when unlimited. */
export function perSecondOf(queue: QueueName, options: RunnerOptions, settings: JobSettings): number | null {
  const given = options.perSecond?.[queue];
  if (given !== undefined) return given > 0 ? given : null;
  if (queue === 'email' || queue === 'sms') return settings.perSecond[queue];
  return null;
}

/** The wait before retry n (1 after the first failure): base * 2^(n-1), scaled. */
export function backoffDelay(baseMs: number, attemptsMade: number, scale = 1): number {
  return Math.round(baseMs * 2 ** Math.max(0, attemptsMade - 1) * scale);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
