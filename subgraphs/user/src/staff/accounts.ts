import { AppError } from '@waitlessq/errors';
import { isUniqueViolation, type Prisma, type PrismaClient, type User } from '@waitlessq/database';
import type { UserContext } from '../context';
import { issueRefreshToken } from '../auth/sessions';

export const staffEmailTaken = () => new AppError('CONFLICT', 'A staff account with this email already exists; sign in instead.', { field: 'email' });

/** Emails are unique across the platform: one staff account belongs to one organization. */
export async function ensureStaffEmailFree(prisma: PrismaClient, email: string): Promise<void> {
  if (await prisma.user.findUnique({ where: { email }, select: { id: true } })) throw staffEmailTaken();
}

type NewStaff = Pick<User, 'organizationId' | 'email' | 'name' | 'role' | 'passwordHash'>;

/**
 * The account and its first refresh token, together or not at all. `beforeCreate` and
 * `afterCreate` run in the same transaction (accepting an invitation claims it, and audits it). Two sign-ups racing for one
 * email meet the unique index: the loser gets CONFLICT.
 */
export async function createStaffWithSession(
  ctx: UserContext,
  data: NewStaff,
  beforeCreate?: (tx: Prisma.TransactionClient) => Promise<void>,
  afterCreate?: (tx: Prisma.TransactionClient, user: User) => Promise<void>,
): Promise<{ user: User; refreshToken: string }> {
  const ttl = ctx.runtime.config.auth.refreshTokenTtlSeconds;
  try {
    return await ctx.runtime.db.prisma.$transaction(async (tx) => {
      await beforeCreate?.(tx);
      const user = await tx.user.create({ data: { ...data, lastSignInAt: new Date() } });
      const refreshToken = await issueRefreshToken(tx, { kind: 'STAFF', id: user.id, organizationId: user.organizationId }, ttl);
      await afterCreate?.(tx, user);
      return { user, refreshToken };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw staffEmailTaken();
    throw error;
  }
}
