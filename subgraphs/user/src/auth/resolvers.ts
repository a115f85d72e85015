import type { UserContext } from '../context';
import { refreshSession, signOut } from './refresh';
import { signIn } from './sign-in';
import { signUp } from './sign-up';
import type { SignUpInput } from './sign-up-input';

export const authResolvers = {
  Mutation: {
    signUp: (_: unknown, args: { input: SignUpInput }, ctx: UserContext) => signUp(ctx, args.input),
    signIn: (_: unknown, args: { email: string; password: string }, ctx: UserContext) => signIn(ctx, args.email, args.password),
    refreshSession: (_: unknown, args: { refreshToken: string }, ctx: UserContext) => refreshSession(ctx, args.refreshToken),
    signOut: (_: unknown, args: { refreshToken: string }, ctx: UserContext) => signOut(ctx, args.refreshToken),
  },
};
