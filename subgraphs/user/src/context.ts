import { createPasswordHasher, createTokenService, randomToken, type PasswordHasher, type TokenService } from '@waitlessq/auth';
import { createPeerClient, type BaseContext, type PeerClient, type ServiceRuntime } from '@waitlessq/subgraph-kit';
import { createCustomerLoaders, type CustomerLoaders } from './customers/loaders';
import { createStaffLoaders, type StaffLoaders } from './staff/loaders';

/** Made once per subgraph instance and shared by every request. */
export interface UserServices {
  hasher: PasswordHasher;
  tokens: TokenService;
  peers: PeerClient;
  /**
   * The hash of a password nobody knows, verified when an email is unknown so that a wrong
   * email takes as long as a wrong password.
   */
  dummyPasswordHash(): Promise<string>;
}

export interface UserContext extends BaseContext {
  services: UserServices;
  loaders: StaffLoaders & CustomerLoaders;
}

export function createUserServices(runtime: ServiceRuntime): UserServices {
  const hasher = createPasswordHasher({ memoryKib: runtime.config.auth.passwordHashMemoryKib });
  // Made at start-up: made lazily, the first unknown email would cost two hashes.
  const dummy = hasher.hash(randomToken());
  dummy.catch((error) => runtime.logger.error({ err: error }, 'dummy password hash failed'));
  return {
    hasher,
    tokens: createTokenService({ secret: runtime.config.auth.jwtSecret, ttlSeconds: runtime.config.auth.accessTokenTtlSeconds }),
    peers: createPeerClient(runtime),
    dummyPasswordHash: () => dummy,
  };
}

/** Per-request state: DataLoaders are scoped to the caller, so they never outlive a request. */
export function createContextFactory(services: UserServices) {
  return (base: BaseContext): UserContext => {
    const prisma = base.runtime.db.prisma;
    return {
      ...base,
      services,
      loaders: { ...createStaffLoaders(prisma, base.identity), ...createCustomerLoaders(prisma, base.identity) },
    };
  };
}
