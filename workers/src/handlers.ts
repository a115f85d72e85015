import { createChannels, pickLanguage, renderInvitation, type Channels } from '@waitlessq/channels';
import type { JobHandlers } from '@waitlessq/jobs';
import { notificationProfileOf, retentionPolicies } from '@waitlessq/business-subgraph';
import { deletePushSubscriptionsBefore, pushTargetsOfVisit, removePushTarget, ticketLinkOf } from '@waitlessq/pwa-subgraph';
import {
  applyVisitRetention,
  createBusinessPeer,
  createQueueEventPublisher,
  customersWithVisitsSince,
  planVisitNotification,
  rollUpPass,
  sendVisitNotification,
  sweepAppointments,
  type NotificationSender,
} from '@waitlessq/queue-subgraph';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import {
  deleteExpiredSessions,
  deleteInactiveCustomers,
  deliverWebhook,
  fanOutWebhookEvent,
  invitationEmailJobId,
  isOptedOut,
  pendingInvitationIds,
  recordRelayedAudit,
  sendInvitationEmail,
  unsubscribeToken,
  webhookDeliveryJobId,
} from '@waitlessq/user-subgraph';
import { notificationRoutes } from './notification-routes';

/** The one-click unsubscribe link of an address (served by notification-routes.ts, on the public origin). */
export const unsubscribeLinkOf = (runtime: ServiceRuntime, subject: Parameters<typeof unsubscribeToken>[1]) =>
  `${runtime.config.publicUrl}${notificationRoutes.unsubscribe}?token=${encodeURIComponent(unsubscribeToken(runtime.config.auth.visitTokenSecret, subject))}`;

/** One retention job per organization and UTC day: a sweep that runs twice a day adds it once. */
export const retentionJobId = (organizationId: string, day: string) => `retention:${organizationId}:${day}`;

/** Every job's handler: thin, over each subgraph's own domain code (each writes only its own tables). */
export function createHandlers(runtime: ServiceRuntime, channels: Channels = createChannels(runtime.config, runtime.logger)): JobHandlers {
  const { prisma } = runtime.db;
  const { config } = runtime;
  const sender: NotificationSender = {
    prisma,
    channels,
    business: (businessId) => notificationProfileOf(prisma, businessId),
    ticketLink: (businessId, visitId) => ticketLinkOf(config.publicUrl, businessId, visitId),
    unsubscribeLink: (organizationId, channel, address) => unsubscribeLinkOf(runtime, { organizationId, channel, address }),
    isOptedOut: (organizationId, channel, address) => isOptedOut(prisma, organizationId, channel, address),
    pushTargets: (visitId) => pushTargetsOfVisit(prisma, visitId),
    removePushTarget: (id) => removePushTarget(prisma, id),
    smsStatusCallbackUrl: channels.sms ? `${config.publicUrl}${notificationRoutes.smsStatus}` : null,
  };
  const send = (data: Parameters<typeof sendVisitNotification>[1], job: Parameters<typeof sendVisitNotification>[2]) =>
    sendVisitNotification(sender, data, job);
  // The sweep relays what it changed at once (any process may relay: the queue's lock orders them).
  const publisher = createQueueEventPublisher(runtime);
  const businessPeer = createBusinessPeer(runtime);
  return {
    // Automatic no-shows, reminders that are due, standby offers that expire (appointments/sweeper.ts).
    'appointments-sweep': () => sweepAppointments(runtime, publisher, businessPeer),
    // Finished visits into the insights rollups (insights/rollup.ts), exactly once however many workers.
    'insights-rollup': async () => {
      await rollUpPass(prisma);
    },
    // Retention (README): each subgraph erases its own tables; the user subgraph last, keeping the queue's active customers.
    'retention-sweep': async () => {
      const day = new Date().toISOString().slice(0, 10);
      for (const { organizationId } of await retentionPolicies(prisma)) {
        await runtime.jobs.queue.add('retention', { organizationId }, { jobId: retentionJobId(organizationId, day) });
      }
    },
    retention: async ({ organizationId }) => {
      const [policy] = await retentionPolicies(prisma, [organizationId]);
      if (!policy) return;
      const cutoff = new Date(Date.now() - policy.dataRetentionDays * 86_400_000);
      const visits = await applyVisitRetention(prisma, organizationId, cutoff);
      const pushSubscriptions = await deletePushSubscriptionsBefore(prisma, organizationId, cutoff);
      const customers = await deleteInactiveCustomers(prisma, organizationId, cutoff, await customersWithVisitsSince(prisma, organizationId, cutoff));
      runtime.logger.info({ organizationId, cutoff, visits, pushSubscriptions, customers }, 'retention applied');
      // The audit log shows it as the system's, once per organization and day (a retried job adds none), when anything went.
      if (visits.visits + visits.standbyEntries + pushSubscriptions + customers.customers > 0) {
        const at = new Date().toISOString();
        const detail = {
          cutoff: cutoff.toISOString(),
          dataRetentionDays: policy.dataRetentionDays,
          visits: visits.visits,
          standbyEntries: visits.standbyEntries,
          pushSubscriptions,
          customers: customers.customers,
        };
        await recordRelayedAudit(prisma, {
          sourceId: retentionJobId(organizationId, at.slice(0, 10)),
          organizationId,
          actorId: null,
          actorKind: 'SYSTEM',
          action: 'retention.applied',
          targetType: 'Organization',
          targetId: organizationId,
          detail,
          requestId: null,
          at,
        });
      }
    },
    'notify-visit': async (data) => {
      for (const send of await planVisitNotification(prisma, data)) {
        const urgent = data.kind === 'CALLED' || data.kind === 'RECALLED';
        await runtime.jobs.queue.add(send.name, send.data, { jobId: send.jobId, ...(urgent ? { priority: 1 } : {}) });
      }
    },
    'send-email': send,
    'send-push': send,
    'send-sms': send,
    'webhook-event': async (data) => {
      // One round trip for the whole fan-out (1,000 endpoints: one add each was the pace of delivery).
      const deliveries = await fanOutWebhookEvent(prisma, data);
      await runtime.jobs.queue.addBulk(
        deliveries.map((deliveryId) => ({ name: 'webhook-delivery' as const, data: { deliveryId }, options: { jobId: webhookDeliveryJobId(deliveryId) } })),
      );
    },
    'webhook-delivery': (data, job) => deliverWebhook(prisma, config.notifications.webhooks, data.deliveryId, job),
    'invitation-email': async (data) => {
      const organization = await prisma.invitation.findUnique({ where: { id: data.invitationId }, select: { organizationId: true } });
      const profile = organization ? await prisma.organization.findUnique({ where: { id: organization.organizationId }, select: { settings: true } }) : null;
      const language = pickLanguage(languageOf(profile?.settings));
      await sendInvitationEmail(
        prisma,
        channels.email,
        { publicUrl: config.publicUrl, language, render: (content) => renderInvitation(language, content) },
        data.invitationId,
      );
    },
    // Another subgraph's administrative change, into the audit log: stored once per sourceId.
    'audit-entry': async (data) => {
      await recordRelayedAudit(prisma, data);
    },
    // Invitations whose job was lost (Redis restarted empty) are queued again; refresh sessions past expiry are deleted.
    'refresh-sessions-cleanup': async () => {
      await deleteExpiredSessions(prisma);
      for (const id of await pendingInvitationIds(prisma, 10 * 60_000))
        await runtime.jobs.queue.add('invitation-email', { invitationId: id }, { jobId: invitationEmailJobId(id) });
    },
  };
}

function languageOf(settings: unknown): string | null {
  return settings && typeof settings === 'object' && typeof (settings as { language?: unknown }).language === 'string'
    ? (settings as { language: string }).language
    : null;
}
