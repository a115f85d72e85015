import { randomUUID } from 'node:crypto';
import { randomToken, sha256 } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { Prisma, PrismaClient, SubjectKind } from '@waitlessq/database';

type Db = PrismaClient | Prisma.TransactionClient;

/** Whom a refresh token signs in again. */
export interface SessionSubject {
  kind: SubjectKind;
  id: string;
  organizationId: string;
}

const invalidRefreshToken = () => new AppError('UNAUTHENTICATED', 'The refresh token is not valid; sign in again.');

/**
 * Stores a new refresh token (only its SHA-256) and returns it. Without `familyId` it starts a
 * new family (a sign-in); rotation passes the family of the token it replaces.
 */
export async function issueRefreshToken(db: Db, subject: SessionSubject, ttlSeconds: number, familyId: string = randomUUID()): Promise<string> {
  const token = randomToken('rt_');
  await db.refreshSession.create({
    data: {
      familyId,
      subjectKind: subject.kind,
      subjectId: subject.id,
      organizationId: subject.organizationId,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    },
  });
  return token;
}

/**
 * Exchanges a refresh token for a new one of the same family. A token that was already
 * replaced is being replayed (stolen, or copied): the whole family is revoked, so neither the
 * thief nor the owner keeps a working token and the owner must sign in again.
 */
export async function rotateRefreshToken(prisma: PrismaClient, token: string, ttlSeconds: number): Promise<{ subject: SessionSubject; refreshToken: string }> {
  const session = await prisma.refreshSession.findUnique({ where: { tokenHash: sha256(token) } });
  if (!session) throw invalidRefreshToken();
  if (session.replacedAt || (await familyIsRevoked(prisma, session.familyId))) {
    await revokeFamily(prisma, session.familyId);
    throw invalidRefreshToken();
  }
  if (session.expiresAt <= new Date()) throw invalidRefreshToken();
  const subject: SessionSubject = { kind: session.subjectKind, id: session.subjectId, organizationId: session.organizationId };
  // The conditional update is the lock: of two refreshes of one token, exactly one sees
  // count 1 (PostgreSQL re-checks `replacedAt IS NULL` after the other commits). The loser
  // presented a replaced token, which is a reuse like any other.
  const refreshToken = await prisma.$transaction(async (tx) => {
    const claimed = await tx.refreshSession.updateMany({
      where: { id: session.id, replacedAt: null, revokedAt: null },
      data: { replacedAt: new Date() },
    });
    return claimed.count === 1 ? issueRefreshToken(tx, subject, ttlSeconds, session.familyId) : null;
  });
  if (!refreshToken) {
    await revokeFamily(prisma, session.familyId);
    throw invalidRefreshToken();
  }
  return { subject, refreshToken };
}

/** Revokes the family of a token; an unknown token is ignored (nothing to reveal). */
export async function revokeRefreshToken(prisma: PrismaClient, token: string): Promise<void> {
  const session = await prisma.refreshSession.findUnique({ where: { tokenHash: sha256(token) }, select: { familyId: true } });
  if (session) await revokeFamily(prisma, session.familyId);
}

async function revokeFamily(prisma: PrismaClient, familyId: string): Promise<void> {
  await prisma.refreshSession.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/**
 * A family is dead once any of its tokens is revoked. This also covers a sign-out racing a
 * rotation: the revoking statement may miss the token being inserted, but not the one it
 * replaced.
 */
async function familyIsRevoked(prisma: PrismaClient, familyId: string): Promise<boolean> {
  return (await prisma.refreshSession.count({ where: { familyId, revokedAt: { not: null } } })) > 0;
}

/**
 * Deletes refresh sessions past their expiry (a periodic job): an expired token is refused
 * whatever its family, so its row proves nothing any more. In batches, so one pass never
 * holds many locks.
 */
export async function deleteExpiredSessions(prisma: PrismaClient, now = new Date(), batchSize = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await prisma.$executeRaw`
      DELETE FROM "RefreshSession" WHERE "id" IN (
        SELECT "id" FROM "RefreshSession" WHERE "expiresAt" < ${now}::timestamp(3) LIMIT ${batchSize})`;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
