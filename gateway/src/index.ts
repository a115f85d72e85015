export { createGateway } from './create-gateway';
export type { GatewayOptions, GatewayServer } from './create-gateway';
export { startAllInOne } from './all-in-one';
export type { AllInOne, AllInOneOptions } from './all-in-one';
export { createAuthenticator, parseBearer } from './authenticate';
export { checkReadiness, healthUrl } from './readiness';
export { readSupergraph, defaultSupergraphPath } from './supergraph';
export { seedDemo, demoCredentials } from './demo-seed';
export type { DemoData, SeedDemoOptions } from './demo-seed';
