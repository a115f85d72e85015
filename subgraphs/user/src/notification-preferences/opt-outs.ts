import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@waitlessq/database';

/**
 * Who asked not to be notified, per organization, channel and address (docs/DESIGN.md: the user
 * subgraph owns the people and so their wishes). The workers ask `isOptedOut` before sending and
 * record STOP replies; customers set them through their preferences or the one-click link.
 */

export type OptOutChannel = 'EMAIL' | 'SMS' | 'PUSH';
export type OptOutSource = 'UNSUBSCRIBE_LINK' | 'SMS_STOP' | 'PREFERENCES';

export const optOutChannels: readonly OptOutChannel[] = ['EMAIL', 'SMS', 'PUSH'];

/** Emails trimmed and lower-cased; phones as E.164 (spaces, dashes, dots, slashes and brackets dropped); push addresses (customer:<id>) trimmed. */
export function normalizeAddress(channel: OptOutChannel, address: string): string {
  const trimmed = address.trim();
  switch (channel) {
    case 'EMAIL':
      return trimmed.toLowerCase();
    case 'SMS':
      return trimmed.replace(/[\s\-./()]/g, '');
    case 'PUSH':
      return trimmed;
    default:
      throw new Error(`Unknown notification channel ${String(channel)}`);
  }
}

/** The PUSH address of a customer (web push subscriptions belong to a customer, not to an address). */
export const pushAddressOf = (customerId: string) => `customer:${customerId}`;

export async function isOptedOut(prisma: PrismaClient, organizationId: string, channel: OptOutChannel, address: string): Promise<boolean> {
  const found = await prisma.notificationOptOut.findUnique({
    where: { organizationId_channel_address: { organizationId, channel, address: normalizeAddress(channel, address) } },
    select: { organizationId: true },
  });
  return found !== null;
}

/** Records the opt-out; one already recorded keeps its first source and time. */
export async function optOut(prisma: PrismaClient, organizationId: string, channel: OptOutChannel, address: string, source: OptOutSource): Promise<void> {
  await prisma.notificationOptOut.createMany({
    data: [{ organizationId, channel, address: normalizeAddress(channel, address), source }],
    skipDuplicates: true,
  });
}

export async function optIn(prisma: PrismaClient, organizationId: string, channel: OptOutChannel, address: string): Promise<void> {
  await prisma.notificationOptOut.deleteMany({ where: { organizationId, channel, address: normalizeAddress(channel, address) } });
}

export interface UnsubscribeSubject {
  organizationId: string;
  channel: OptOutChannel;
  address: string;
}

/** A key of its own for these tokens, derived from the secret (config.auth.visitTokenSecret) so it signs nothing else. */
const unsubscribeKey = (secret: string) => createHmac('sha256', secret).update('unsubscribe').digest();
const macOf = (secret: string, payload: string) => createHmac('sha256', unsubscribeKey(secret)).update(payload).digest();

/**
 * The token of a one-click unsubscribe link: the subject (base64url JSON) and its HMAC-SHA256.
 * It never expires: a link in an old email must still work.
 */
export function unsubscribeToken(secret: string, subject: UnsubscribeSubject): string {
  const payload = Buffer.from(JSON.stringify([subject.organizationId, subject.channel, normalizeAddress(subject.channel, subject.address)])).toString(
    'base64url',
  );
  return `${payload}.${macOf(secret, payload).toString('base64url')}`;
}

/** The subject of a token this server signed; null for anything else (compared in constant time). */
export function readUnsubscribeToken(secret: string, token: string): UnsubscribeSubject | null {
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length > 0) return null;
  const expected = macOf(secret, payload);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [organizationId, channel, address] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown[];
    if (typeof organizationId !== 'string' || typeof address !== 'string' || !optOutChannels.includes(channel as OptOutChannel)) return null;
    return { organizationId, channel: channel as OptOutChannel, address };
  } catch {
    return null;
  }
}

/** The one-click link's effect (the API's `unsubscribe` and the workers' HTTP route): false when the token is not ours. */
export async function unsubscribeWithToken(prisma: PrismaClient, secret: string, token: string): Promise<boolean> {
  const subject = readUnsubscribeToken(secret, token);
  if (!subject) return false;
  await optOut(prisma, subject.organizationId, subject.channel, subject.address, 'UNSUBSCRIBE_LINK');
  return true;
}
