import { AppError } from '@waitlessq/errors';
import type { UserServices } from '../context';
import { passwordMaxLength } from '@waitlessq/validation';

export const wrongCredentials = () => new AppError('UNAUTHENTICATED', 'Wrong email or password.');

/**
 * Returns the account when the password matches its hash; throws the same error for a wrong
 * password, an unknown email and an account without a password. Without an account the
 * password is checked against a dummy hash, so an unknown email costs as much time as a wrong
 * password and the answer's timing does not reveal which emails have accounts.
 */
export async function verifyCredentials<T extends { passwordHash: string | null }>(services: UserServices, account: T | null, password: string): Promise<T> {
  // No account has a longer password (sign-up refuses it); do not spend hashing time on one.
  const candidate = password.length <= passwordMaxLength ? password : '';
  const hash = account?.passwordHash ?? (await services.dummyPasswordHash());
  const matches = await services.hasher.verify(hash, candidate);
  if (!account?.passwordHash || !matches || candidate !== password) throw wrongCredentials();
  return account;
}

/** Sign-in compares emails the way sign-up stores them; a malformed one simply matches nothing. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
