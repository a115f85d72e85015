import type { Resolvers } from '../generated/resolvers-types';
import { acceptInvitation, inviteStaff } from './invitations';
import { me, staffOfBusiness, userReference } from './users';

export const staffResolvers = {
  Query: {
    me: (_, __, ctx) => me(ctx),
  },
  Mutation: {
    inviteStaff: (_, args, ctx) => inviteStaff(ctx, args.input),
    acceptInvitation: (_, args, ctx) => acceptInvitation(ctx, args.input),
  },
  User: {
    __resolveReference: (reference, ctx) => userReference(ctx, reference.id),
    organization: (user) => ({ __typename: 'Organization', id: user.organizationId }),
  },
  Business: {
    staff: (_, __, ctx) => staffOfBusiness(ctx),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'User' | 'Business'>;
