import type { Resolvers } from '../generated/resolvers-types';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
} from './endpoint-service';

export const webhookResolvers = {
  Query: {
    webhookEndpoints: (_, __, ctx) => listWebhookEndpoints(ctx),
    webhookDeliveries: (_, args, ctx) => listWebhookDeliveries(ctx, args.endpointId, args.first, args.after),
  },
  Mutation: {
    createWebhookEndpoint: (_, args, ctx) => createWebhookEndpoint(ctx, args.input),
    rotateWebhookSecret: (_, args, ctx) => rotateWebhookSecret(ctx, args.id),
    enableWebhookEndpoint: (_, args, ctx) => enableWebhookEndpoint(ctx, args.id),
    sendTestWebhook: (_, args, ctx) => sendTestWebhook(ctx, args.endpointId),
    redeliverWebhook: (_, args, ctx) => redeliverWebhook(ctx, args.deliveryId),
    deleteWebhookEndpoint: (_, args, ctx) => deleteWebhookEndpoint(ctx, args.id),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation'>;
