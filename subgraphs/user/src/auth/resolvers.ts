import type { Resolvers } from '../generated/resolvers-types';
import { refreshSession, signOut } from './refresh';
import { signIn } from './sign-in';
import { signUp } from './sign-up';

export const authResolvers = {
  Mutation: {
    signUp: (_, args, ctx) => signUp(ctx, args.input),
    signIn: (_, args, ctx) => signIn(ctx, args.email, args.password),
    refreshSession: (_, args, ctx) => refreshSession(ctx, args.refreshToken),
    signOut: (_, args, ctx) => signOut(ctx, args.refreshToken),
  },
} satisfies Pick<Resolvers, 'Mutation'>;
