import { hash, verify } from '@node-rs/argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

/** Argon2id with OWASP's minimum (19 MiB, 2 passes): slow on purpose, off the event loop. */
export function createPasswordHasher(options: { memoryKib: number }): PasswordHasher {
  const params = { memoryCost: options.memoryKib, timeCost: 2, parallelism: 1 };
  return {
    hash: (password) => hash(password, params),
    verify: async (hashed, password) => {
      try {
        return await verify(hashed, password);
      } catch {
        return false;
      }
    },
  };
}
