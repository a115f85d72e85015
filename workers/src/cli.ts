import { loadConfig } from '@waitlessq/config';
import { createJobs, type DeadJob, type QueueName } from '@waitlessq/jobs';

const queues: readonly QueueName[] = ['notifications', 'email', 'push', 'sms', 'webhooks', 'maintenance'];
const usage = `Usage: npm run jobs -- <command>
  dead [queue]          jobs that failed every attempt (all queues, or one)
  retry <queue> <id>    puts a dead job back in its queue for a fresh set of attempts
  counts                jobs per queue and state
Queues: ${queues.join(', ')}`;

class UsageError extends Error {}

function queueArgument(value: string | undefined): QueueName {
  if (!value || !(queues as readonly string[]).includes(value)) throw new UsageError(value ? `Unknown queue: ${value}` : 'A queue is required');
  return value as QueueName;
}

const describeDead = (job: DeadJob) =>
  `${job.queue}\t${job.id}\t${job.name}\tattempts=${job.attempts}\t${job.failedAt?.toISOString() ?? '-'}\t${job.failedReason}\t${JSON.stringify(job.data)}`;

/** Operators' view of the queues (BullMQ on REDIS_URL): the dead-letter list, retries and counts. */
async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    console.log(usage);
    return;
  }
  if (!['dead', 'retry', 'counts'].includes(command)) throw new UsageError(`Unknown command: ${command}`);
  const config = loadConfig('workers');
  if (config.redis.kind === 'memory') {
    throw new Error('REDIS_URL is not set: without Redis the jobs live inside the npm start process and cannot be read from here.');
  }
  const jobs = createJobs(config);
  try {
    // A runner without handlers runs nothing: it only reads and retries.
    const runner = await jobs.startRunner({}, { repeat: false });
    if (command === 'dead') {
      const dead = await runner.deadJobs(rest[0] === undefined ? undefined : queueArgument(rest[0]));
      if (dead.length === 0) console.log('No dead jobs.');
      for (const job of dead) console.log(describeDead(job));
    } else if (command === 'retry') {
      const queue = queueArgument(rest[0]);
      if (!rest[1]) throw new UsageError('A job id is required');
      await runner.retryDead(queue, rest[1]);
      console.log(`Retrying ${queue} job ${rest[1]}.`);
    } else {
      const counts = await runner.counts();
      console.log(['queue', 'waiting', 'active', 'delayed', 'failed', 'completed'].join('\t'));
      for (const queue of queues) {
        const c = counts[queue];
        console.log([queue, c.waiting, c.active, c.delayed, c.failed, c.completed].join('\t'));
      }
    }
  } finally {
    await jobs.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(`${usage}\n`);
  process.exitCode = 1;
});
