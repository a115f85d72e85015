import type { StandbyEntry } from '@waitlessq/database';
import { forgetQueue, type QueueContext } from '../context';
import { acceptStandbyOffer, joinStandby, leaveStandby, offersOf, readStandbyEntry, type JoinStandbyInput } from './standby-service';

type Resolver<TArgs> = (parent: unknown, args: TArgs, context: QueueContext) => unknown;

const day = (date: Date) => date.toISOString().slice(0, 10);

export const standbyResolvers = {
  Query: {
    standbyEntry: ((_parent, { id, token }, context) => readStandbyEntry(context, id, token)) as Resolver<{ id: string; token?: string | null }>,
  },
  Mutation: {
    joinStandby: ((_parent, { input }, context) => joinStandby(context, input)) as Resolver<{ input: JoinStandbyInput }>,
    acceptStandbyOffer: (async (_parent, { offerId, token }, context) => {
      const result = await acceptStandbyOffer(context, offerId, token);
      await forgetQueue(context, result.visit.queueId);
      return result;
    }) as Resolver<{ offerId: string; token?: string | null }>,
    leaveStandby: ((_parent, { entryId, token }, context) => leaveStandby(context, entryId, token)) as Resolver<{ entryId: string; token?: string | null }>,
  },
  StandbyEntry: {
    service: (entry: StandbyEntry) => ({ __typename: 'Service', id: entry.serviceId }),
    fromDay: (entry: StandbyEntry) => day(entry.fromDay),
    untilDay: (entry: StandbyEntry) => day(entry.untilDay),
    visit: (entry: StandbyEntry, _args: unknown, context: QueueContext) => (entry.visitId ? context.loaders.visitById.load(entry.visitId) : null),
    offers: (entry: StandbyEntry, _args: unknown, context: QueueContext) => offersOf(context, entry),
  },
};
