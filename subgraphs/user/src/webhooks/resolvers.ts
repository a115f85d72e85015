import type { UserContext } from '../context';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  type CreateWebhookEndpointInput,
} from './endpoint-service';

export const webhookResolvers = {
  Query: {
    webhookEndpoints: (_: unknown, __: unknown, ctx: UserContext) => listWebhookEndpoints(ctx),
    webhookDeliveries: (_: unknown, args: { endpointId: string; first?: number | null; after?: string | null }, ctx: UserContext) =>
      listWebhookDeliveries(ctx, args.endpointId, args.first, args.after),
  },
  Mutation: {
    createWebhookEndpoint: (_: unknown, args: { input: CreateWebhookEndpointInput }, ctx: UserContext) => createWebhookEndpoint(ctx, args.input),
    rotateWebhookSecret: (_: unknown, args: { id: string }, ctx: UserContext) => rotateWebhookSecret(ctx, args.id),
    enableWebhookEndpoint: (_: unknown, args: { id: string }, ctx: UserContext) => enableWebhookEndpoint(ctx, args.id),
    sendTestWebhook: (_: unknown, args: { endpointId: string }, ctx: UserContext) => sendTestWebhook(ctx, args.endpointId),
    redeliverWebhook: (_: unknown, args: { deliveryId: string }, ctx: UserContext) => redeliverWebhook(ctx, args.deliveryId),
    deleteWebhookEndpoint: (_: unknown, args: { id: string }, ctx: UserContext) => deleteWebhookEndpoint(ctx, args.id),
  },
};
