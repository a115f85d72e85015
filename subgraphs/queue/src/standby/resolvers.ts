import { forgetQueue } from '../context';
import { acceptStandbyOffer, joinStandby, leaveStandby, offersOf, readStandbyEntry } from './standby-service';
import type { Resolvers } from '../generated/resolvers-types';

const day = (date: Date) => date.toISOString().slice(0, 10);

export const standbyResolvers = {
  Query: {
    standbyEntry: (_parent, { id, token }, context) => readStandbyEntry(context, id, token),
  },
  Mutation: {
    joinStandby: (_parent, { input }, context) => joinStandby(context, input),
    acceptStandbyOffer: async (_parent, { offerId, token }, context) => {
      const result = await acceptStandbyOffer(context, offerId, token);
      await forgetQueue(context, result.visit.queueId);
      return result;
    },
    leaveStandby: (_parent, { entryId, token }, context) => leaveStandby(context, entryId, token),
  },
  StandbyEntry: {
    service: (entry) => ({ __typename: 'Service', id: entry.serviceId }),
    fromDay: (entry) => day(entry.fromDay),
    untilDay: (entry) => day(entry.untilDay),
    visit: (entry, _args, context) => (entry.visitId ? context.loaders.visitById.load(entry.visitId) : null),
    offers: (entry, _args, context) => offersOf(context, entry),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'StandbyEntry'>;
