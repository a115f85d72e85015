import type { FormattedExecutionResult } from 'graphql';
import { AppError } from '@waitlessq/errors';
import { subscriptionMetrics, type Logger } from '@waitlessq/observability';
import { SequenceAheadError, SequenceTooOldError, type EventLog } from '@waitlessq/redis';
import type { Caller } from './caller';
import { createChannel, type Channel, type ChannelOptions } from './channel';
import { queueEventOf, queueEventStream, type QueueEvent, type SubscriptionTarget } from './events';
import type { PayloadExecutor } from './payloads';
import type { PlannedSubscription } from './planner';
import type { QueueFeeds } from './queue-feeds';

export interface SubscriptionRequest {
  planned: PlannedSubscription;
  variables: Record<string, unknown>;
  /** The root field's arguments. */
  args: { afterSequence?: number | null; visitId?: string };
  caller: Caller;
  target: SubscriptionTarget;
  requestId: string;
  logger: Logger;
  /** Called when the target no longer holds: the visit moved to another queue or ended. */
  onTargetChanged?: () => void;
}

export interface SubscriptionDependencies {
  log: EventLog;
  feeds: QueueFeeds;
  payloads: PayloadExecutor;
}

/**
 * One subscription's stream of payloads. Live first: the subscription listens to its queue's
 * feed (buffering) before it reads what it missed from the log, then hands out the replayed
 * events, then the buffered and further live ones, dropping any sequence already handed out,
 * so nothing falls between replay and live and nothing comes twice. Events are handled one
 * at a time, in sequence order. A visit subscription skips events that change nothing for
 * its visit and completes after the visit ends or moves to another queue (both decided by the
 * queue subgraph with the payload, payloads.ts). Rejects with SEQUENCE_TOO_OLD (or
 * BAD_USER_INPUT for a sequence the queue never reached) before streaming anything.
 */
export async function startSubscription(
  dependencies: SubscriptionDependencies,
  request: SubscriptionRequest,
  onClose: () => void,
  backlog: ChannelOptions<FormattedExecutionResult> = {},
): Promise<Channel<FormattedExecutionResult>> {
  const { feeds, payloads } = dependencies;
  const metrics = subscriptionMetrics();
  const sent = metrics.payloads.labels('ok');
  const sentWithErrors = metrics.payloads.labels('errors');
  const { planned, target, args } = request;
  const feed = await feeds.acquire(target.queueId);
  let stopListening = () => {};
  const channel = createChannel<FormattedExecutionResult>(() => {
    stopListening();
    feeds.release(feed);
    onClose();
  }, backlog);

  let handledUpTo = args.afterSequence ?? -1;
  /** The last event of the replay: the ones up to it are sent at the client's pace, not held against it. */
  let replayedUpTo = -1;
  let chain = Promise.resolve();
  const variablesOfPayload = payloadVariables(request);

  const deliver = async (previous: QueueEvent | null, event: QueueEvent) => {
    const requestId = `${request.requestId}:${event.sequence}`;
    const payload = await payloads.run({
      planned,
      variables: request.variables,
      payloadVariables: variablesOfPayload,
      caller: request.caller,
      requestId,
      logger: request.logger,
      event,
      previous,
    });
    // Nothing changed for the visit watched (a join behind it, another visit being served).
    if (!payload) return;
    channel.push(payload.result, event.sequence > replayedUpTo);
    (payload.result.errors ? sentWithErrors : sent).inc();
    // The visit ended, or was transferred to another queue and leaves this queue's feed: the
    // payload above shows it in its new queue, and the stream completes so the client
    // subscribes again (without afterSequence: sequences are per queue) and follows the new queue.
    if (payload.ends) {
      request.onTargetChanged?.();
      channel.end();
    }
  };
  const handle = (previous: QueueEvent | null, event: QueueEvent) => {
    if (event.sequence <= handledUpTo) return;
    handledUpTo = event.sequence;
    chain = chain
      .then(() => (channel.closed ? undefined : deliver(previous, event)))
      .catch((error: unknown) => {
        request.logger.error({ err: error, sequence: event.sequence }, 'could not deliver a subscription event');
      });
  };

  let buffered: [QueueEvent | null, QueueEvent][] | null = [];
  stopListening = feed.listen((previous, event) => (buffered ? buffered.push([previous, event]) : handle(previous, event)));
  try {
    if (args.afterSequence != null) {
      const replay = await readReplay(dependencies.log, target.queueId, args.afterSequence);
      replayedUpTo = replay.events.at(-1)?.sequence ?? -1;
      let previous = replay.baseline;
      for (const event of replay.events) {
        handle(previous, event);
        previous = event;
      }
    }
    for (const [previous, event] of buffered) handle(previous, event);
    buffered = null;
    if (target.finished) {
      // A visit that had ended: whatever the replay had to say is sent, then nothing more will come.
      await chain;
      channel.end();
    }
  } catch (error) {
    await channel.return();
    throw error;
  }
  return channel;
}

/** The variables a payload depends on: all but the one carrying afterSequence (it only decides where the stream starts). */
function payloadVariables({ planned, variables }: SubscriptionRequest): Record<string, unknown> {
  const argument = planned.rootField.arguments?.find((arg) => arg.name.value === 'afterSequence');
  if (argument?.value.kind !== 'Variable') return variables;
  const { [argument.value.name.value]: _afterSequence, ...rest } = variables;
  return rest;
}

/**
 * The events after `afterSequence`, with the event at `afterSequence` itself when the log
 * still has it (the baseline a visit subscription compares the first replayed event with).
 */
async function readReplay(log: EventLog, queueId: string, afterSequence: number): Promise<{ baseline: QueueEvent | null; events: QueueEvent[] }> {
  if (!Number.isInteger(afterSequence) || afterSequence < 0)
    throw new AppError('BAD_USER_INPUT', 'afterSequence must be 0 or more.', { field: 'afterSequence' });
  const stream = queueEventStream(queueId);
  try {
    if (afterSequence > 0) {
      try {
        const entries = await log.readAfter(stream, afterSequence - 1);
        // Empty: the queue's latest event is afterSequence - 1, so afterSequence was never reached.
        if (entries.length === 0) throw new SequenceAheadError(stream, afterSequence, afterSequence - 1);
        const [baseline, ...events] = entries.map((entry) => queueEventOf(entry, queueId));
        return { baseline, events };
      } catch (error) {
        if (!(error instanceof SequenceTooOldError)) throw error;
      }
    }
    return { baseline: null, events: (await log.readAfter(stream, afterSequence)).map((entry) => queueEventOf(entry, queueId)) };
  } catch (error) {
    if (error instanceof SequenceTooOldError) {
      throw new AppError(
        'SEQUENCE_TOO_OLD',
        `The events after sequence ${afterSequence} are no longer kept; subscribe without afterSequence and read the current state.`,
        {
          afterSequence,
          oldestKept: error.oldestKept,
        },
      );
    }
    if (error instanceof SequenceAheadError) {
      throw new AppError('BAD_USER_INPUT', `afterSequence ${afterSequence} is ahead of the queue's latest event.`, { field: 'afterSequence' });
    }
    // The log could not be read (Redis down or restarting): nothing is lost (the changes wait in
    // the outbox), so the client is told to retry, not that something broke.
    throw new AppError('SERVICE_UNAVAILABLE', 'The live updates are restarting; resume with the same afterSequence in a moment.', { afterSequence });
  }
}
