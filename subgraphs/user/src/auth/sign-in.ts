import type { UserContext } from '../context';
import { normaliseEmail, verifyCredentials } from './credentials';
import { staffAuthPayload, type AuthPayload } from './payload';
import { issueRefreshToken } from './sessions';

/** Staff sign-in; a wrong email and a wrong password get the same answer in the same time. */
export async function signIn(ctx: UserContext, email: string, password: string): Promise<AuthPayload> {
  const prisma = ctx.runtime.db.prisma;
  const found = await prisma.user.findUnique({ where: { email: normaliseEmail(email) } });
  const account = await verifyCredentials(ctx.services, found, password);
  const user = await prisma.user.update({ where: { id: account.id }, data: { lastSignInAt: new Date() } });
  const refreshToken = await issueRefreshToken(
    prisma,
    { kind: 'STAFF', id: user.id, organizationId: user.organizationId },
    ctx.runtime.config.auth.refreshTokenTtlSeconds,
  );
  return staffAuthPayload(ctx, user, refreshToken);
}
