import type { Customer, User } from '@waitlessq/database';
import type { UserContext } from '../context';

/** What every sign-in path answers: `user` for staff, `customer` for customers. */
export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User | null;
  customer: Customer | null;
}

type Deps = Pick<UserContext, 'services' | 'runtime'>;

export async function staffAuthPayload(ctx: Deps, user: User, refreshToken: string): Promise<AuthPayload> {
  const accessToken = await ctx.services.tokens.signAccessToken({
    sub: user.id,
    org: user.organizationId,
    kind: 'staff',
    role: user.role,
    pa: user.isPlatformAdmin,
  });
  return { accessToken, refreshToken, expiresIn: ctx.runtime.config.auth.accessTokenTtlSeconds, user, customer: null };
}

export async function customerAuthPayload(ctx: Deps, customer: Customer, refreshToken: string): Promise<AuthPayload> {
  const accessToken = await ctx.services.tokens.signAccessToken({ sub: customer.id, org: customer.organizationId, kind: 'customer' });
  return { accessToken, refreshToken, expiresIn: ctx.runtime.config.auth.accessTokenTtlSeconds, user: null, customer };
}
