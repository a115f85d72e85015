/** The port each service listens on when PORT is not set. */
export const defaultPorts = {
  gateway: 4000,
  user: 4001,
  business: 4002,
  queue: 4003,
  pwa: 4004,
  /** Background jobs: health, metrics and the providers' callbacks (SMS status, STOP, unsubscribe). */
  workers: 4005,
} as const;

export type ServiceName = keyof typeof defaultPorts;

/**
 * Secrets used when nothing is configured outside production, so that a fresh clone starts.
 * They are public (they are in this file): production refuses to start with them.
 */
export const developmentSecrets = {
  jwtSecret: 'dev-only-jwt-secret-change-me-0123456789abcdef',
  identitySecret: 'dev-only-identity-secret-change-me-0123456789',
  visitTokenSecret: 'dev-only-visit-token-secret-change-me-012345',
} as const;
