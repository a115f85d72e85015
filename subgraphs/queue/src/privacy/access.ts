import { hasRole, requireAuthenticated, type Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { isUuid } from '@waitlessq/validation';

/**
 * Who may read or erase everything held about one customer (the internal fields the user
 * subgraph calls with the caller's identity): MANAGER or higher of the organization, or the
 * customer themself. Answers the organization every read and write is scoped to, so another
 * organization's rows are never reached whatever id is sent.
 */
export function privacyScope(identity: Identity, customerId: string): string {
  const caller = requireAuthenticated(identity);
  if (caller.kind === 'staff' && hasRole(caller.role, 'MANAGER')) return caller.organizationId;
  if (caller.kind === 'customer' && caller.subjectId === customerId) return caller.organizationId;
  throw new AppError('FORBIDDEN', "Only a manager of the organization, or the customer themself, may export or erase a customer's data.");
}

/** The customer id as a uuid column takes it; anything else names no row. */
export function validCustomerId(customerId: string): string | null {
  return isUuid(customerId) ? customerId : null;
}
