import { AppError } from '@waitlessq/errors';
import type { UserContext } from '../context';
import { customerAuthPayload, staffAuthPayload, type AuthPayload } from './payload';
import { revokeRefreshToken, rotateRefreshToken } from './sessions';

/**
 * A new access token and refresh token for a valid refresh token. The access token carries the
 * account's current role, so a role change takes effect at the next refresh.
 */
export async function refreshSession(ctx: UserContext, token: string): Promise<AuthPayload> {
  const prisma = ctx.runtime.db.prisma;
  const { subject, refreshToken } = await rotateRefreshToken(prisma, token, ctx.runtime.config.auth.refreshTokenTtlSeconds);
  if (subject.kind === 'STAFF') {
    const user = await prisma.user.findUnique({ where: { id: subject.id } });
    if (user) return staffAuthPayload(ctx, user, refreshToken);
  } else {
    const customer = await prisma.customer.findUnique({ where: { id: subject.id } });
    if (customer) return customerAuthPayload(ctx, customer, refreshToken);
  }
  throw new AppError('UNAUTHENTICATED', 'This account no longer exists.');
}

/** Always true: whether the token existed is nobody's business. */
export async function signOut(ctx: UserContext, token: string): Promise<boolean> {
  await revokeRefreshToken(ctx.runtime.db.prisma, token);
  return true;
}
