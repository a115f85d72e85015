import { hasRole, type Identity } from '@waitlessq/auth';
import type { VisitSource } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { actorOf, memberOf, type Actor } from '../access';
import type { QueueContext } from '../context';
import { requireInputId } from '../ids';
import { badInput, parse } from '@waitlessq/validation';
import { personFieldsSchema } from '../person-fields';

/** Who an appointment or a standby entry is for, as the caller gave it. */
export interface PersonInput {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  partySize?: number | null;
  notes?: string | null;
  customerId?: string | null;
  source?: VisitSource | null;
}

/** The caller, once their rights on the business's organization are checked. */
export interface Booker {
  /** Staff (STAFF+) book for anyone, skip approval and may cancel or move at any time. */
  staff: boolean;
  customerId: string | null;
  source: VisitSource;
  actor: Actor;
}

export interface Person {
  customerName: string;
  customerPhone: string | null;
  customerEmail: string | null;
  customerNotes: string | null;
  partySize: number;
}

const defaultSource: Record<Identity['kind'], VisitSource> = {
  anonymous: 'PWA',
  customer: 'PWA',
  staff: 'STAFF',
  partner: 'PARTNER',
  service: 'PARTNER',
};

/**
 * Anyone may book (a PWA visitor has no account); a signed-in customer books as themself;
 * staff (STAFF+) book for anyone, naming a customer account if they like; partners (kiosks,
 * CRMs) of the organization book for walk-up people. Members of other organizations are told
 * the business does not exist.
 */
export function resolveBooker(identity: Identity, organizationId: string, input: PersonInput, what = 'business'): Booker {
  if (identity.kind === 'service') throw new AppError('FORBIDDEN', 'Subgraphs do not book appointments.');
  if (identity.kind !== 'anonymous' && !memberOf(identity, organizationId)) throw new AppError('NOT_FOUND', `No ${what} with this id.`);
  const staff = identity.kind === 'staff';
  if (staff && !hasRole(identity.role, 'STAFF')) throw new AppError('FORBIDDEN', `This needs the STAFF role or higher; you are ${identity.role}.`);
  if (!staff && input.source === 'STAFF') throw new AppError('FORBIDDEN', 'Only staff can book with the STAFF source.');
  let customerId: string | null = null;
  if (identity.kind === 'customer') {
    if (input.customerId && input.customerId !== identity.subjectId) throw new AppError('FORBIDDEN', 'A customer can only book for themself.');
    customerId = identity.subjectId;
  } else if (input.customerId) {
    if (!staff) throw new AppError('FORBIDDEN', 'Only staff can book for a customer account.');
    customerId = requireInputId(input.customerId, 'customerId');
  }
  return { staff, customerId, source: input.source ?? defaultSource[identity.kind], actor: actorOf(identity) };
}

/**
 * The person's own fields. Without an account a booking needs a name and, unless staff take
 * it (at the desk, on the phone), a way to reach them: reminders and standby offers go there.
 */
export function personOf(input: PersonInput, booker: Booker): Person {
  const { name, phone = null, email = null, notes = null, partySize } = parse(personFieldsSchema, input);
  if (!booker.customerId) {
    if (!name) throw badInput('name', 'is required without a customer account.');
    if (!phone && !email && !booker.staff) throw badInput('phone', 'or email is required without a customer account.');
  }
  return {
    customerName: name ?? '',
    customerPhone: phone,
    customerEmail: email,
    customerNotes: notes,
    partySize: partySize ?? 1,
  };
}

/** Staff name a customer account: it must be one of their organization's (the user subgraph decides). */
export async function assertCustomerVisible(context: QueueContext, booker: Booker): Promise<void> {
  if (!booker.staff || !booker.customerId) return;
  const visible = await context.customerPeer.isVisibleTo(context.identity, booker.customerId, context.requestId);
  if (!visible) throw new AppError('NOT_FOUND', 'No customer with this id.');
}
