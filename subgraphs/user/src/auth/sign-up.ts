import type { UserContext } from '../context';
import { createStaffWithSession, ensureStaffEmailFree } from '../staff/accounts';
import { staffAuthPayload, type AuthPayload } from './payload';
import { provisionOrganization } from './provision-organization';
import { parseSignUpInput, type SignUpInput } from './sign-up-input';

/**
 * Creates an organization (through the business subgraph, its owner) and its OWNER. Everything
 * that can be refused without writing is checked first, so a refusal leaves no organization
 * behind. A retry with the same idempotency key after a partial failure (organization made,
 * owner not) gets the organization of the first attempt instead of a second one.
 */
export async function signUp(ctx: UserContext, input: SignUpInput): Promise<AuthPayload> {
  const fields = parseSignUpInput(input);
  await ensureStaffEmailFree(ctx.runtime.db.prisma, fields.email);
  const passwordHash = await ctx.services.hasher.hash(fields.password);
  const organization = await provisionOrganization(ctx, fields);
  const { user, refreshToken } = await createStaffWithSession(ctx, {
    organizationId: organization.id,
    email: fields.email,
    name: fields.name,
    role: 'OWNER',
    passwordHash,
  });
  ctx.logger.info({ userId: user.id, organizationId: organization.id }, 'organization signed up');
  return staffAuthPayload(ctx, user, refreshToken);
}
