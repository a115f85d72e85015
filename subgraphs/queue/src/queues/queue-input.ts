import { id, idempotencyKey, text, wholeNumber, z } from '@waitlessq/validation';
import { ticketPrefixPattern } from '../visits/tickets';

export interface CreateQueueInput {
  businessId: string;
  name: string;
  capacity?: number | null;
  countersOpen?: number | null;
  ticketPrefix?: string | null;
  serviceIds?: string[] | null;
  idempotencyKey?: string | null;
}

export interface UpdateQueueInput {
  queueId: string;
  capacity?: number | null;
  countersOpen?: number | null;
  notifyAtPosition?: number | null;
}

const maxCapacity = 10_000;
const maxCounters = 100;
/** "Getting close" is about the next few; past 50 it would be sent on joining a long line. */
const maxNotifyAtPosition = 50;

/** Capacity null means no limit. */
export const createQueueSchema = z.object({
  businessId: id(),
  name: text(100),
  capacity: wholeNumber(1, maxCapacity).nullish(),
  countersOpen: wholeNumber(0, maxCounters).nullish(),
  ticketPrefix: z.string().regex(ticketPrefixPattern, 'must be one to three capital letters (A-Z)').nullish(),
  serviceIds: z.array(id()).nullish(),
  idempotencyKey: idempotencyKey(),
});

/** Only a field that is present (even as null, for capacity) is changed. */
export const updateQueueSchema = z.object({
  capacity: wholeNumber(1, maxCapacity).nullish(),
  countersOpen: wholeNumber(0, maxCounters).nullish(),
  notifyAtPosition: wholeNumber(1, maxNotifyAtPosition).nullish(),
});
