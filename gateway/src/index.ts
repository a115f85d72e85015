export { createGateway } from './create-gateway';
export type { GatewayOptions, GatewayServer } from './create-gateway';
export { mountAppsProxy } from './apps-proxy';
export { createAuthenticator, parseBearer } from './authenticate';
export { checkReadiness, healthUrl } from './readiness';
export { readSupergraph, defaultSupergraphPath } from './supergraph';
