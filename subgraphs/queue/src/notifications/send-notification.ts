import type { Channels, PushSubscriptionKeys } from '@waitlessq/channels';
import { isPermanentSendError, pickLanguage, renderNotification, type NotificationContent, type RenderedNotification } from '@waitlessq/channels';
import type { NotificationChannel, PrismaClient, Visit } from '@waitlessq/database';
import type { JobContext, NotifyVisitJob, SendNotificationJob } from '@waitlessq/jobs';
import { channelsOf, stillApplies } from './applicable';

/** What sending needs from the rest of the system (other subgraphs' domain code, the channels), composed by the workers. */
export interface NotificationSender {
  prisma: PrismaClient;
  channels: Channels;
  business(businessId: string): Promise<{ name: string; timezone: string; language: string } | null>;
  ticketLink(businessId: string, visitId: string): string;
  /** The one-click link that opts this address out of this organization's notifications on this channel. */
  unsubscribeLink(organizationId: string, channel: NotificationChannel, address: string): string;
  isOptedOut(organizationId: string, channel: NotificationChannel, address: string): Promise<boolean>;
  pushTargets(visitId: string): Promise<(PushSubscriptionKeys & { id: string })[]>;
  removePushTarget(id: string): Promise<void>;
  /** Where the SMS provider reports deliveries (the workers' callback route); null sends none. */
  smsStatusCallbackUrl: string | null;
}

const sendJobOf = { EMAIL: 'send-email', PUSH: 'send-push', SMS: 'send-sms' } as const;

/** The sends a "notify this visit" job fans out to, one job per channel, each at most once per visit and kind. */
export async function planVisitNotification(
  prisma: PrismaClient,
  job: NotifyVisitJob,
): Promise<{ name: (typeof sendJobOf)[NotificationChannel]; data: SendNotificationJob; jobId: string }[]> {
  const visit = await prisma.visit.findUnique({ where: { id: job.visitId } });
  if (!visit || !stillApplies(job.kind, visit)) return [];
  return channelsOf(visit).map((channel) => ({
    name: sendJobOf[channel],
    data: { ...job, channel },
    jobId: `${sendJobOf[channel]}:${job.visitId}:${job.kind}`,
  }));
}

/**
 * Sends one notification of a visit on one channel, at most once: its Notification row is
 * claimed first (unique per visit, kind and channel) and a row already SENT, DELIVERED,
 * SKIPPED or FAILED is never sent again, however often the job runs. A failure worth retrying
 * throws (the job's backoff); a permanent one, or the last attempt, is recorded FAILED.
 * A job that dies between the provider's acceptance and the row's update sends again on its
 * retry: providers are at least once too.
 */
export async function sendVisitNotification(sender: NotificationSender, job: SendNotificationJob, context: JobContext, now = new Date()): Promise<void> {
  const { prisma } = sender;
  const visit = await prisma.visit.findUnique({ where: { id: job.visitId } });
  if (!visit || !stillApplies(job.kind, visit, now)) return;
  const key = { visitId: visit.id, kind: job.kind, channel: job.channel };
  const row = await prisma.notification.upsert({
    where: { visitId_kind_channel: key },
    create: { ...key, organizationId: visit.organizationId },
    update: {},
  });
  if (row.status !== 'PENDING') return;
  const record = (data: { status: 'SENT' | 'SKIPPED' | 'FAILED'; providerMessageId?: string | null; error?: string | null }) =>
    prisma.notification.updateMany({
      where: { id: row.id, status: 'PENDING' },
      data: { ...data, attempts: { increment: 1 }, ...(data.status === 'SENT' ? { sentAt: new Date() } : {}) },
    });

  try {
    const outcome = await deliver(sender, visit, job);
    await record(outcome);
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
    if (isPermanentSendError(error) || context.attempt >= context.maxAttempts) {
      await record({ status: 'FAILED', error: message });
      return;
    }
    await prisma.notification.update({ where: { id: row.id }, data: { attempts: { increment: 1 }, error: message } });
    throw error;
  }
}

async function deliver(
  sender: NotificationSender,
  visit: Visit,
  job: SendNotificationJob,
): Promise<{ status: 'SENT' | 'SKIPPED'; providerMessageId?: string; error?: string }> {
  const address =
    job.channel === 'EMAIL' ? visit.customerEmail : job.channel === 'SMS' ? visit.customerPhone : visit.customerId ? `customer:${visit.customerId}` : null;
  if (address && (await sender.isOptedOut(visit.organizationId, job.channel, address))) return { status: 'SKIPPED', error: 'opted out' };
  const business = await sender.business(visit.businessId);
  if (!business) return { status: 'SKIPPED', error: 'the business is gone' };
  const render = async (unsubscribeUrl: string | null): Promise<RenderedNotification> =>
    renderNotification(job.kind, pickLanguage(visit.locale, business.language), await contentOf(sender, visit, business, unsubscribeUrl));

  switch (job.channel) {
    case 'EMAIL': {
      if (!visit.customerEmail) return { status: 'SKIPPED', error: 'no email address' };
      const unsubscribeUrl = sender.unsubscribeLink(visit.organizationId, 'EMAIL', visit.customerEmail);
      const message = await render(unsubscribeUrl);
      const { messageId } = await sender.channels.email.send({
        to: visit.customerEmail,
        subject: message.subject,
        text: message.text,
        html: message.html,
        language: pickLanguage(visit.locale, business.language),
        unsubscribeUrl,
      });
      return { status: 'SENT', providerMessageId: messageId };
    }
    case 'SMS': {
      if (!visit.customerPhone || !sender.channels.sms) return { status: 'SKIPPED', error: visit.customerPhone ? 'SMS is not configured' : 'no phone number' };
      const message = await render(null);
      const { messageId } = await sender.channels.sms.send({
        to: visit.customerPhone,
        body: message.sms,
        ...(sender.smsStatusCallbackUrl ? { statusCallbackUrl: sender.smsStatusCallbackUrl } : {}),
      });
      return { status: 'SENT', providerMessageId: messageId };
    }
    case 'PUSH': {
      const push = sender.channels.push;
      const targets = push ? await sender.pushTargets(visit.id) : [];
      if (!push || targets.length === 0) return { status: 'SKIPPED', error: push ? 'no push subscription' : 'push is not configured' };
      const message = await render(null);
      const urgent = job.kind === 'CALLED' || job.kind === 'RECALLED';
      let delivered = 0;
      for (const target of targets) {
        const { gone } = await push.send({
          subscription: { endpoint: target.endpoint, keys: target.keys },
          payload: { title: message.push.title, body: message.push.body, url: sender.ticketLink(visit.businessId, visit.id), tag: `${visit.id}:${job.kind}` },
          ttlSeconds: urgent ? 15 * 60 : 6 * 3600,
          urgency: urgent ? 'high' : 'normal',
        });
        if (gone) await sender.removePushTarget(target.id);
        else delivered += 1;
      }
      return delivered > 0 ? { status: 'SENT' } : { status: 'SKIPPED', error: 'every push subscription had expired' };
    }
  }
}

async function contentOf(
  sender: NotificationSender,
  visit: Visit,
  business: { name: string; timezone: string },
  unsubscribeUrl: string | null,
): Promise<NotificationContent> {
  const queue = await sender.prisma.queue.findUnique({ where: { id: visit.queueId }, select: { name: true } });
  return {
    businessName: business.name,
    queueName: queue?.name ?? '',
    ticket: visit.ticket,
    position: visit.status === 'WAITING' ? await positionOf(sender.prisma, visit) : null,
    estimatedWaitMinutes: visit.status === 'WAITING' ? visit.latestEstimateMinutes : null,
    counter: visit.counter,
    scheduledAt: visit.scheduledAt,
    timezone: business.timezone,
    ticketUrl: sender.ticketLink(visit.businessId, visit.id),
    unsubscribeUrl,
  };
}

/** The visit's place in its line by the line's order (positions.ts): higher priority first, then line time, then ticket. */
async function positionOf(prisma: PrismaClient, visit: Visit): Promise<number> {
  const [{ ahead }] = await prisma.$queryRaw<{ ahead: number }[]>`
    SELECT count(*)::int AS "ahead" FROM "Visit" o
    WHERE o."queueId" = ${visit.queueId}::uuid AND o."status" = 'WAITING'::"VisitStatus" AND o."id" <> ${visit.id}::uuid
      AND (o."priority" > ${visit.priority}
        OR (o."priority" = ${visit.priority} AND (o."lineAt", COALESCE(o."ticketNumber", 2147483647)) < (${visit.lineAt}::timestamp(3), ${visit.ticketNumber ?? 2147483647}::int)))`;
  return ahead + 1;
}

/** The provider's report on an SMS (its status callback): delivered, or failed after it was accepted. */
export async function recordSmsStatus(prisma: PrismaClient, messageId: string, status: string, errorCode?: string): Promise<number> {
  const final = status === 'delivered' ? 'DELIVERED' : status === 'failed' || status === 'undelivered' ? 'FAILED' : null;
  if (!final) return 0;
  const { count } = await prisma.notification.updateMany({
    where: { providerMessageId: messageId, channel: 'SMS', status: { in: ['SENT', 'DELIVERED'] } },
    data: { status: final, ...(errorCode ? { error: `provider error ${errorCode}` } : {}) },
  });
  return count;
}

/** The organizations that sent SMS to a phone: a STOP from it opts it out of each of them. */
export async function organizationsThatTexted(prisma: PrismaClient, phone: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ organizationId: string }[]>`
    SELECT DISTINCT n."organizationId" FROM "Notification" n JOIN "Visit" v ON v."id" = n."visitId"
    WHERE n."channel" = 'SMS'::"NotificationChannel" AND v."customerPhone" = ${phone}`;
  return rows.map((row) => row.organizationId);
}
