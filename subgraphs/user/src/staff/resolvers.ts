import type { User } from '@waitlessq/database';
import type { UserContext } from '../context';
import { acceptInvitation, inviteStaff, type AcceptInvitationInput, type InviteStaffInput } from './invitations';
import { me, staffOfBusiness, userReference } from './users';

export const staffResolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: UserContext) => me(ctx),
  },
  Mutation: {
    inviteStaff: (_: unknown, args: { input: InviteStaffInput }, ctx: UserContext) => inviteStaff(ctx, args.input),
    acceptInvitation: (_: unknown, args: { input: AcceptInvitationInput }, ctx: UserContext) => acceptInvitation(ctx, args.input),
  },
  User: {
    __resolveReference: (reference: { id: string }, ctx: UserContext) => userReference(ctx, reference.id),
    organization: (user: User) => ({ __typename: 'Organization', id: user.organizationId }),
  },
  Business: {
    staff: (_: { id: string }, __: unknown, ctx: UserContext) => staffOfBusiness(ctx),
  },
};
