import type { QueueContext } from '../context';
import { auditVisitEvents, type AuditVisitEventsArgs } from './visit-audit';

export const auditResolvers = {
  Query: {
    auditVisitEvents: (_: unknown, args: AuditVisitEventsArgs, context: QueueContext) => auditVisitEvents(context, args),
  },
};
