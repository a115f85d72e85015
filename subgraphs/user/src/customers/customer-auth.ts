import { isUniqueViolation, type Customer } from '@waitlessq/database';
import type { UserContext } from '../context';
import { normaliseEmail, verifyCredentials } from '../auth/credentials';
import { customerAuthPayload, type AuthPayload } from '../auth/payload';
import { issueRefreshToken, type SessionSubject } from '../auth/sessions';
import { isUuid, parse } from '@waitlessq/validation';
import { registerCustomerSchema } from './customer-input';
import { customerEmailTaken, ensureCustomerEmailFree } from './customer-service';

export interface RegisterCustomerInput {
  organizationId: string;
  name: string;
  email: string;
  password: string;
  phone?: string | null;
}

/**
 * Self-registration in a business's PWA. An email already known to the organization is
 * CONFLICT even when staff added that customer without a password: claiming such a record
 * would need proof of owning the email, which we cannot check yet.
 */
export async function registerCustomer(ctx: UserContext, input: RegisterCustomerInput): Promise<AuthPayload> {
  const { organizationId, name, email, password, phone = null } = parse(registerCustomerSchema, input);
  const prisma = ctx.runtime.db.prisma;
  await ensureCustomerEmailFree(prisma, organizationId, email);
  const passwordHash = await ctx.services.hasher.hash(password);
  const ttl = ctx.runtime.config.auth.refreshTokenTtlSeconds;
  try {
    const { customer, refreshToken } = await prisma.$transaction(async (tx) => {
      const customer = await tx.customer.create({ data: { organizationId, name, email, phone, passwordHash } });
      return { customer, refreshToken: await issueRefreshToken(tx, subjectOf(customer), ttl) };
    });
    return customerAuthPayload(ctx, customer, refreshToken);
  } catch (error) {
    if (isUniqueViolation(error)) throw customerEmailTaken();
    throw error;
  }
}

/** Customer sign-in to one organization; the same answer for every wrong email or password. */
export async function signInCustomer(ctx: UserContext, organizationId: string, email: string, password: string): Promise<AuthPayload> {
  const prisma = ctx.runtime.db.prisma;
  const found = isUuid(organizationId)
    ? await prisma.customer.findUnique({ where: { organizationId_email: { organizationId, email: normaliseEmail(email) } } })
    : null;
  const customer = await verifyCredentials(ctx.services, found, password);
  const refreshToken = await issueRefreshToken(prisma, subjectOf(customer), ctx.runtime.config.auth.refreshTokenTtlSeconds);
  return customerAuthPayload(ctx, customer, refreshToken);
}

function subjectOf(customer: Customer): SessionSubject {
  return { kind: 'CUSTOMER', id: customer.id, organizationId: customer.organizationId };
}
