import type { ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { apiKeyResolvers } from './api-keys/resolvers';
import { auditResolvers } from './audit/resolvers';
import { authResolvers } from './auth/resolvers';
import { createContextFactory, createUserServices, type UserContext } from './context';
import { customerResolvers } from './customers/resolvers';
import type { Resolvers } from './generated/resolvers-types';
import { DateTimeScalar } from '@waitlessq/subgraph-kit';
import { typeDefs } from './schema';
import { notificationPreferenceResolvers } from './notification-preferences/resolvers';
import { privacyResolvers } from './privacy/resolvers';
import { staffResolvers } from './staff/resolvers';
import { webhookResolvers } from './webhooks/resolvers';

export { typeDefs };
export { deleteExpiredSessions } from './auth/sessions';
export { deleteInactiveCustomers } from './retention/retention';
export type { CustomerRetentionResult } from './retention/retention';
export { fanOutWebhookEvent, deliverWebhook, webhookDeliveryJobId } from './webhooks/domain';
export type { DeliverWebhookOptions, WebhookPayload } from './webhooks/domain';
export {
  isOptedOut,
  optOut,
  optIn,
  normalizeAddress,
  pushAddressOf,
  unsubscribeToken,
  readUnsubscribeToken,
  unsubscribeWithToken,
} from './notification-preferences/opt-outs';
export type { OptOutChannel, OptOutSource, UnsubscribeSubject } from './notification-preferences/opt-outs';
export { sendInvitationEmail, pendingInvitationIds, renderInvitationEmail, invitationEmailJobId } from './staff/invitation-email';
export type { InvitationEmailContent, InvitationEmailOptions, RenderInvitationEmail, RenderedInvitationEmail } from './staff/invitation-email';
export { recordAudit, recordRelayedAudit, auditActorOf } from './audit/record-audit';
export type { AuditEntryInput, AuditActorKind, AuditWriter } from './audit/record-audit';
export { webhookEventTypes } from './webhooks/event-types';
export type { WebhookEventType } from './webhooks/event-types';
export type { UserContext };

/** Staff accounts, customers, invitations, sessions and partner API keys (docs/DESIGN.md: the user subgraph). */
export function createUserSubgraph(runtime: ServiceRuntime): SubgraphDefinition<UserContext> {
  return {
    typeDefs,
    resolvers: {
      DateTime: DateTimeScalar,
      JSONObject: privacyResolvers.JSONObject,
      AuditDetail: auditResolvers.AuditDetail,
      Query: {
        ...staffResolvers.Query,
        ...customerResolvers.Query,
        ...apiKeyResolvers.Query,
        ...webhookResolvers.Query,
        ...auditResolvers.Query,
        ...privacyResolvers.Query,
      },
      Mutation: {
        ...staffResolvers.Mutation,
        ...authResolvers.Mutation,
        ...customerResolvers.Mutation,
        ...apiKeyResolvers.Mutation,
        ...webhookResolvers.Mutation,
        ...notificationPreferenceResolvers.Mutation,
        ...privacyResolvers.Mutation,
      },
      User: staffResolvers.User,
      Business: staffResolvers.Business,
      Customer: { ...customerResolvers.Customer, ...notificationPreferenceResolvers.Customer },
    } satisfies Resolvers,
    extendContext: createContextFactory(createUserServices(runtime)),
  };
}
