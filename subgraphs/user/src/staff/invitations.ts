import { createHmac } from 'node:crypto';
import { randomToken, requireStaff, sha256, type StaffRole } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { isUniqueViolation, type Invitation, type Prisma } from '@waitlessq/database';
import { changeEntry } from '../audit/change-entry';
import { recordAudit } from '../audit/record-audit';
import type { UserContext } from '../context';
import { staffAuthPayload, type AuthPayload } from '../auth/payload';
import { email as emailRule, idempotencyKey as idempotencyKeyRule, parse, password as passwordRule, text, z } from '@waitlessq/validation';
import { createStaffWithSession, ensureStaffEmailFree } from './accounts';
import { invitationEmailJobId } from './invitation-email';
import { assertMayInvite } from './invite-rules';

const invitationLifetimeMs = 7 * 24 * 3600 * 1000;

export interface InviteStaffInput {
  email: string;
  role: StaffRole;
  idempotencyKey?: string | null;
}

export interface AcceptInvitationInput {
  token: string;
  name: string;
  password: string;
}

export const inviteStaffSchema = z.object({ email: emailRule(), idempotencyKey: idempotencyKeyRule() });
export const acceptInvitationSchema = z.object({ name: text(100), password: passwordRule() });

/**
 * The token goes to the invitee by email; the API shows it too outside production (tests and
 * development sign staff up with it), never in production.
 */
export interface InvitationPayload {
  invitation: Invitation;
  token: string | null;
}

export async function inviteStaff(ctx: UserContext, input: InviteStaffInput): Promise<InvitationPayload> {
  const inviter = requireStaff(ctx.identity);
  assertMayInvite(inviter.role, input.role);
  const { email, idempotencyKey } = parse(inviteStaffSchema, input);
  const prisma = ctx.runtime.db.prisma;
  const organizationId = inviter.organizationId;
  const token = invitationToken(ctx.runtime.config.auth.jwtSecret, inviter.subjectId, organizationId, idempotencyKey);

  const fingerprint = idempotencyKey ? idempotencyFingerprint(ctx.identity, input) : null;
  // Only the inviter who used the key, with the same input, gets the invitation (and its token) back.
  const replay = async () => {
    if (!idempotencyKey || !fingerprint) return null;
    const existing = await prisma.invitation.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
    if (existing) assertSameRequest(existing, fingerprint);
    return existing && { invitation: existing, token };
  };
  const answer = async (payload: InvitationPayload): Promise<InvitationPayload> => {
    await enqueueInvitationEmail(ctx, payload.invitation.id);
    return { ...payload, token: ctx.runtime.config.env === 'production' ? null : payload.token };
  };

  const first = await replay();
  if (first) return answer(first);
  await ensureStaffEmailFree(prisma, email);
  try {
    const invitation = await prisma.$transaction(async (tx) => {
      const created = await tx.invitation.create({
        data: {
          organizationId,
          email,
          role: input.role,
          tokenHash: sha256(token),
          invitedById: inviter.subjectId,
          expiresAt: new Date(Date.now() + invitationLifetimeMs),
          // The email's outbox, in the invitation's own statement: kept until the email is sent.
          pendingEmailToken: token,
          idempotencyKey,
          idempotencyFingerprint: fingerprint,
        },
      });
      // The role, not the email: the entry carries no personal data.
      await recordAudit(tx, changeEntry(ctx, { action: 'staff.invited', targetType: 'Invitation', targetId: created.id, detail: { role: created.role } }));
      return created;
    });
    ctx.logger.info({ invitationId: invitation.id, role: invitation.role }, 'staff invited');
    return answer({ invitation, token });
  } catch (error) {
    const raced = isUniqueViolation(error) ? await replay() : null;
    if (raced) return answer(raced);
    throw error;
  }
}

/**
 * After the commit. A failure here loses nothing: the token waits in the row and the periodic
 * sweep (pendingInvitationIds) enqueues it again, so the invitation itself still succeeds.
 */
async function enqueueInvitationEmail(ctx: UserContext, invitationId: string): Promise<void> {
  try {
    await ctx.runtime.jobs.queue.add('invitation-email', { invitationId }, { jobId: invitationEmailJobId(invitationId) });
  } catch (error) {
    ctx.logger.warn({ err: error, invitationId }, 'invitation email not queued; the sweep will queue it');
  }
}

/**
 * Creates the invited account with the invitation's role and organization, and signs it in.
 * The invitation is claimed in the same transaction, so one invitation makes one account.
 */
export async function acceptInvitation(ctx: UserContext, input: AcceptInvitationInput): Promise<AuthPayload> {
  const { name, password } = parse(acceptInvitationSchema, input);
  const prisma = ctx.runtime.db.prisma;
  const invitation = await prisma.invitation.findUnique({ where: { tokenHash: sha256(input.token) } });
  if (!invitation) throw new AppError('NOT_FOUND', 'This invitation does not exist; check the link you were sent.');
  assertOpen(invitation);
  await ensureStaffEmailFree(prisma, invitation.email);
  const passwordHash = await ctx.services.hasher.hash(password);

  const claim = async (tx: Prisma.TransactionClient) => {
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date() },
    });
    if (claimed.count !== 1) throw usedInvitation();
  };
  const { user, refreshToken } = await createStaffWithSession(
    ctx,
    { organizationId: invitation.organizationId, email: invitation.email, name, role: invitation.role, passwordHash },
    claim,
    // The new account is the actor: the invitee acted, not yet signed in.
    (tx, created) =>
      recordAudit(tx, {
        organizationId: created.organizationId,
        actorId: created.id,
        actorKind: 'STAFF',
        action: 'staff.joined',
        targetType: 'User',
        targetId: created.id,
        detail: { role: created.role, invitationId: invitation.id, invitedById: invitation.invitedById },
        requestId: ctx.requestId,
      }),
  );
  ctx.logger.info({ userId: user.id, invitationId: invitation.id }, 'invitation accepted');
  return staffAuthPayload(ctx, user, refreshToken);
}

const usedInvitation = () => new AppError('BAD_USER_INPUT', 'This invitation has already been used; sign in instead.', { field: 'token' });

function assertOpen(invitation: Invitation): void {
  if (invitation.acceptedAt) throw usedInvitation();
  if (invitation.expiresAt <= new Date()) {
    throw new AppError('BAD_USER_INPUT', 'This invitation has expired; ask for a new one.', { field: 'token' });
  }
}

/**
 * Random, except under an idempotency key: then derived (HMAC) from the inviter, the
 * organization and the key, so a retry can answer with the same token although only its
 * hash was stored, and nobody else can derive it.
 */
function invitationToken(secret: string, inviterId: string, organizationId: string, idempotencyKey: string | null): string {
  if (!idempotencyKey) return randomToken('inv_');
  const mac = createHmac('sha256', secret).update(`invitation\n${inviterId}\n${organizationId}\n${idempotencyKey}`);
  return `inv_${mac.digest('base64url')}`;
}
