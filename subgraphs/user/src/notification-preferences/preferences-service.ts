import { requireAuthenticated } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { Customer, PrismaClient } from '@waitlessq/database';
import type { UserContext } from '../context';
import { normalizeAddress, optIn, optOut, pushAddressOf, unsubscribeWithToken, type OptOutChannel } from './opt-outs';

/** true: may be notified on the channel; false: opted out; null: the customer has no such address. */
export interface NotificationPreferences {
  email: boolean | null;
  sms: boolean | null;
  push: boolean | null;
}

export interface UpdateNotificationPreferencesInput {
  email?: boolean | null;
  sms?: boolean | null;
  push?: boolean | null;
}

const fields = [
  ['email', 'EMAIL'],
  ['sms', 'SMS'],
  ['push', 'PUSH'],
] as const;

function addressesOf(customer: Pick<Customer, 'id' | 'email' | 'phone'>): Record<OptOutChannel, string | null> {
  return { EMAIL: customer.email, SMS: customer.phone, PUSH: pushAddressOf(customer.id) };
}

export async function preferencesOf(
  prisma: PrismaClient,
  customer: Pick<Customer, 'id' | 'organizationId' | 'email' | 'phone'>,
): Promise<NotificationPreferences> {
  const addresses = addressesOf(customer);
  const present = fields.filter(([, channel]) => addresses[channel] !== null);
  const optedOut = await prisma.notificationOptOut.findMany({
    where: {
      organizationId: customer.organizationId,
      OR: present.map(([, channel]) => ({ channel, address: normalizeAddress(channel, addresses[channel]!) })),
    },
    select: { channel: true },
  });
  const out = new Set(optedOut.map((row) => row.channel));
  const answer = (channel: OptOutChannel) => (addresses[channel] === null ? null : !out.has(channel));
  return { email: answer('EMAIL'), sms: answer('SMS'), push: answer('PUSH') };
}

/** The signed-in customer's choices, for their own addresses; a field left out is unchanged. */
export async function updateNotificationPreferences(ctx: UserContext, input: UpdateNotificationPreferencesInput): Promise<NotificationPreferences> {
  const caller = requireAuthenticated(ctx.identity);
  if (caller.kind !== 'customer') throw new AppError('FORBIDDEN', 'Only a signed-in customer sets their notification preferences.');
  const prisma = ctx.runtime.db.prisma;
  const customer = await prisma.customer.findFirst({ where: { id: caller.subjectId, organizationId: caller.organizationId } });
  if (!customer) throw new AppError('NOT_FOUND', 'This customer account no longer exists.');
  const addresses = addressesOf(customer);
  for (const [field, channel] of fields) {
    const wanted = input[field];
    const address = addresses[channel];
    if (wanted === undefined || wanted === null || address === null) continue;
    if (wanted) await optIn(prisma, customer.organizationId, channel, address);
    else await optOut(prisma, customer.organizationId, channel, address, 'PREFERENCES');
  }
  ctx.logger.info({ customerId: customer.id }, 'notification preferences updated');
  return preferencesOf(prisma, customer);
}

/** Customer.notificationPreferences: the customer itself and the organization's staff; null for anyone else. */
export async function customerPreferences(ctx: UserContext, customer: Customer): Promise<NotificationPreferences | null> {
  const caller = ctx.identity;
  const allowed =
    (caller.kind === 'staff' && caller.organizationId === customer.organizationId) ||
    (caller.kind === 'customer' && caller.organizationId === customer.organizationId && caller.subjectId === customer.id);
  return allowed ? preferencesOf(ctx.runtime.db.prisma, customer) : null;
}

/** The one-click unsubscribe (public: the token is the credential). */
export async function unsubscribe(ctx: UserContext, token: string): Promise<boolean> {
  const done = await unsubscribeWithToken(ctx.runtime.db.prisma, ctx.runtime.config.auth.visitTokenSecret, token);
  if (!done) throw new AppError('BAD_USER_INPUT', 'This unsubscribe link is not valid; copy the whole link from the email.', { field: 'token' });
  return true;
}
