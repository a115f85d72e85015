import type { EmailChannel } from '@waitlessq/channels';
import type { PrismaClient } from '@waitlessq/database';

/**
 * The invitation email, sent by the 'invitation-email' job. The invitation row is the email's
 * outbox: inviteStaff writes the raw token in `pendingEmailToken` in its own transaction, and
 * the token is erased when the email has been handed to the mail server.
 */

/** What an invitation email says (the same shape as @waitlessq/channels' InvitationContent). */
export interface InvitationEmailContent {
  organizationName: string;
  inviterName: string;
  role: string;
  acceptUrl: string;
  expiresAt: Date;
}

export interface RenderedInvitationEmail {
  subject: string;
  text: string;
  html: string;
}

export type RenderInvitationEmail = (content: InvitationEmailContent) => RenderedInvitationEmail;

export interface InvitationEmailOptions {
  /** config.publicUrl: the accept link is `${publicUrl}/invitations/accept?token=...`. */
  publicUrl: string;
  /** A translated template (e.g. channels' renderInvitation for a language); English by default. */
  render?: RenderInvitationEmail;
  /** BCP 47 language of what `render` writes; 'en' by default. */
  language?: string;
}

const roleNames: Record<string, string> = { OWNER: 'an owner', ADMIN: 'an admin', MANAGER: 'a manager', STAFF: 'a staff member', VIEWER: 'a viewer' };

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The default, English template. */
export function renderInvitationEmail(content: InvitationEmailContent): RenderedInvitationEmail {
  const role = roleNames[content.role] ?? content.role;
  const expires = `${content.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const subject = `${content.inviterName} invited you to ${content.organizationName} on WaitLessQ`;
  const intro = `${content.inviterName} invited you to join ${content.organizationName} on WaitLessQ as ${role}.`;
  const text = [
    intro,
    `Accept the invitation: ${content.acceptUrl}`,
    `The link works until ${expires}.`,
    'If you did not expect this email, you can ignore it.',
  ].join('\n\n');
  const html = [
    '<!doctype html><html lang="en"><body style="font-family:sans-serif">',
    `<p>${escapeHtml(intro)}</p>`,
    `<p><a href="${escapeHtml(content.acceptUrl)}">Accept the invitation</a></p>`,
    `<p>The link works until ${escapeHtml(expires)}.</p>`,
    '<p style="color:#666">If you did not expect this email, you can ignore it.</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

export const invitationEmailJobId = (invitationId: string) => `invitation-email:${invitationId}`;

/**
 * Sends the invitation email once: nothing when it was sent already, the token is gone, or the
 * invitation was accepted or has expired. The email goes first, then `emailSentAt` is set and
 * the token erased in one update; a crash in between sends it again on the job's retry (at
 * least once: a second copy of an invitation is harmless, a lost one is not).
 */
export async function sendInvitationEmail(prisma: PrismaClient, email: EmailChannel, options: InvitationEmailOptions, invitationId: string): Promise<void> {
  const invitation = await prisma.invitation.findUnique({ where: { id: invitationId } });
  if (!invitation || invitation.emailSentAt || !invitation.pendingEmailToken) return;
  if (invitation.acceptedAt || invitation.expiresAt <= new Date()) {
    // Nobody needs the link any more: the token is not kept for nothing.
    await prisma.invitation.updateMany({ where: { id: invitationId, emailSentAt: null }, data: { pendingEmailToken: null } });
    return;
  }
  const [organization, inviter] = await Promise.all([
    // Read only (the business subgraph owns organizations): the name shown in the email.
    prisma.organization.findUnique({ where: { id: invitation.organizationId }, select: { name: true } }),
    prisma.user.findUnique({ where: { id: invitation.invitedById }, select: { name: true } }),
  ]);
  const acceptUrl = `${options.publicUrl.replace(/\/+$/, '')}/invitations/accept?token=${encodeURIComponent(invitation.pendingEmailToken)}`;
  const content: InvitationEmailContent = {
    organizationName: organization?.name ?? 'your team',
    inviterName: inviter?.name ?? 'A colleague',
    role: invitation.role,
    acceptUrl,
    expiresAt: invitation.expiresAt,
  };
  const rendered = (options.render ?? renderInvitationEmail)(content);
  await email.send({ to: invitation.email, ...rendered, language: options.render ? (options.language ?? 'en') : 'en' });
  await prisma.invitation.updateMany({ where: { id: invitationId, emailSentAt: null }, data: { emailSentAt: new Date(), pendingEmailToken: null } });
}

/**
 * Invitations whose email is still unsent this long after they were made (their job was lost:
 * the queue was down when they were made), for a periodic job to enqueue again. Oldest first.
 */
export async function pendingInvitationIds(prisma: PrismaClient, olderThanMs: number, limit = 500): Promise<string[]> {
  const now = Date.now();
  const rows = await prisma.invitation.findMany({
    where: {
      emailSentAt: null,
      pendingEmailToken: { not: null },
      acceptedAt: null,
      expiresAt: { gt: new Date(now) },
      createdAt: { lte: new Date(now - olderThanMs) },
    },
    select: { id: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map((row) => row.id);
}
