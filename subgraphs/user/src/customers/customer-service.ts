import { isCustomer, requireRole, requireStaff } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { isUniqueViolation, type Customer, type PrismaClient } from '@waitlessq/database';
import type { UserContext } from '../context';
import { parse } from '@waitlessq/validation';
import { createCustomerSchema } from './customer-input';

export interface CreateCustomerInput {
  name: string;
  email?: string | null;
  phone?: string | null;
  idempotencyKey?: string | null;
}

export interface ListCustomersArgs {
  first?: number | null;
  search?: string | null;
}

export const maxCustomersPerPage = 200;

export const customerEmailTaken = () => new AppError('CONFLICT', 'A customer with this email already exists in this organization.', { field: 'email' });

/** Staff (STAFF or higher) add a customer; a retry with the same key (same caller, same input) returns the first one. */
export async function createCustomer(ctx: UserContext, input: CreateCustomerInput): Promise<Customer> {
  const { organizationId } = requireRole(ctx.identity, 'STAFF');
  const parsed = parse(createCustomerSchema, input);
  const { name, idempotencyKey } = parsed;
  const email = parsed.email ?? null;
  const phone = parsed.phone ?? null;
  const prisma = ctx.runtime.db.prisma;
  const fingerprint = idempotencyKey ? idempotencyFingerprint(ctx.identity, input) : null;
  // The first customer of the key, for the caller who sent it with this very input (else IDEMPOTENCY_KEY_REUSED).
  const replay = async () => {
    if (!idempotencyKey || !fingerprint) return null;
    const customer = await prisma.customer.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
    if (customer) assertSameRequest(customer, fingerprint);
    return customer;
  };

  const first = await replay();
  if (first) return first;
  if (email) await ensureCustomerEmailFree(prisma, organizationId, email);
  try {
    return await prisma.customer.create({ data: { organizationId, name, email, phone, idempotencyKey, idempotencyFingerprint: fingerprint } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await replay();
    if (raced) return raced;
    throw customerEmailTaken();
  }
}

export async function ensureCustomerEmailFree(prisma: PrismaClient, organizationId: string, email: string): Promise<void> {
  const existing = await prisma.customer.findUnique({ where: { organizationId_email: { organizationId, email } }, select: { id: true } });
  if (existing) throw customerEmailTaken();
}

/** A customer of the caller's organization; another organization's is NOT_FOUND. */
export async function findCustomer(ctx: UserContext, id: string): Promise<Customer> {
  requireStaff(ctx.identity);
  const customer = await ctx.loaders.customerById.load(id);
  if (!customer) throw new AppError('NOT_FOUND', 'No customer with this id.');
  return customer;
}

/** Newest first; `search` matches name, email or phone, ignoring case. */
export async function listCustomers(ctx: UserContext, args: ListCustomersArgs): Promise<Customer[]> {
  const { organizationId } = requireStaff(ctx.identity);
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > maxCustomersPerPage) {
    throw new AppError('BAD_USER_INPUT', `first must be between 1 and ${maxCustomersPerPage}.`, { field: 'first' });
  }
  const search = args.search?.trim();
  const matches = search
    ? [
        { name: { contains: search, mode: 'insensitive' as const } },
        { email: { contains: search, mode: 'insensitive' as const } },
        { phone: { contains: search } },
      ]
    : undefined;
  return ctx.runtime.db.prisma.customer.findMany({
    where: { organizationId, OR: matches },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: first,
  });
}

/** The signed-in customer; null for anyone else. */
export async function meCustomer(ctx: UserContext): Promise<Customer | null> {
  return isCustomer(ctx.identity) ? ctx.loaders.customerById.load(ctx.identity.subjectId) : null;
}

/** Staff and partners of the customer's organization, and the customer itself; null otherwise. */
export async function customerReference(ctx: UserContext, id: string): Promise<Customer | null> {
  return ctx.loaders.customerById.load(id);
}
