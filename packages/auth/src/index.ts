export type { Identity, StaffRole, IdentityKind } from './identity';
export { anonymousIdentity, isStaff, isCustomer, isPartner, staffRoles } from './identity';
export { createTokenService } from './tokens';
export type { TokenService, AccessClaims } from './tokens';
export { createIdentitySigner, identityHeader } from './identity-header';
export type { IdentitySigner } from './identity-header';
export { createPasswordHasher } from './passwords';
export type { PasswordHasher } from './passwords';
export { requireAuthenticated, requireStaff, requireRole, hasRole } from './guards';
export { randomToken, sha256 } from './random';
export {
  apiKeyHeader,
  apiKeyPrefix,
  apiKeyPattern,
  hashApiKey,
  partnerKeyCacheKey,
  partnerKeyCacheTtlSeconds,
  revokedPartnerKey,
  revokedPartnerKeyTtlSeconds,
} from './partner-keys';
