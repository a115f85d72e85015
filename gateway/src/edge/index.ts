// The edge of the graph: what the gateway checks before any subgraph is called. One module per
// concern; create-gateway.ts lists them in the order they run.
export { useSecurityHeaders, useCors } from './browser-safety';
export { useAddressRateLimit } from './address-rate-limit';
export { useJsonBody } from './json-body';
export { createPersistedQueryCache, usePersistedQueryChecks } from './persisted-queries';
export { useTokenLimit, countTokens, tokenLimitMessage } from './token-limit';
export { useRequestScope, currentEdgeRequest } from './request-scope';
export type { EdgeRequest } from './request-scope';
export { useRequestTimeout, withRequestDeadline } from './request-timeout';
export { useIntrospectionControl, isPlatformAdmin } from './introspection';
export { useOperationResolution } from './operation-resolution';
export { useOperationLimits, operationLimitRefusal } from './operation-limits';
export type { OperationToCheck } from './operation-limits';
export { operationCost } from './cost';
export { loadTrustedDocuments, readManifest, defaultManifestPath } from './trusted-documents';
export type { TrustedDocuments, TrustedOperation } from './trusted-documents';
export { usePartnerOperations, partnerOperationRefusal } from './partner-operations';
export { createRateLimiters, rateLimitHeaders, rateLimitMessage } from './rate-limits';
export type { RateLimiters, RateLimitVerdict, BudgetName, RateLimitBudgets } from './rate-limits';
export { useTextInputChecks, textInputRefusal } from './text-inputs';
export type { TextInputsToCheck } from './text-inputs';
export { useCallerRateLimits } from './caller-rate-limits';
export { signInAttempts } from './sign-in-attempts';
export { useCdnCaching } from './cdn-caching';
export { createGatewayErrorFormatter } from './errors';
