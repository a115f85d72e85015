import { randomUUID } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';
import type { Credentials } from '../authenticate';
import type { FormattedExecutionResult } from 'graphql';
import type { Caller } from './caller';
import type { Channel } from './channel';

/** What the gateway keeps about one WebSocket connection. */
export interface Connection {
  id: string;
  caller: Caller;
  /** Subscriptions started or being started; capped per connection. */
  active: number;
  /** Closes the socket when the access token it was opened with expires. */
  expiry?: NodeJS.Timeout;
  /** Checks the connection's credentials again (partner keys: refused once revoked). */
  recheck?: () => Promise<unknown>;
  /** Its subscriptions' streams: what waits in them counts against the slow-consumer cap. */
  streams: Set<Channel<FormattedExecutionResult>>;
}

/**
 * The credentials of connection_init: `{ authorization: 'Bearer <access token>' }` or
 * `{ 'x-api-key': '<partner key>' }` (the same two a request sends as headers; either name's
 * capitalised form and `apiKey` are accepted too). Anything that is not a string is ignored.
 */
export function credentialsOf(params: Readonly<Record<string, unknown>> | undefined): Credentials {
  const text = (...names: string[]) => {
    for (const name of names) {
      const value = params?.[name];
      if (typeof value === 'string') return value;
    }
    return undefined;
  };
  return { authorization: text('authorization', 'Authorization'), apiKey: text('x-api-key', 'X-Api-Key', 'apiKey') };
}

/** When a bearer token stops being valid (its `exp`, already verified); undefined for anything else. */
export function tokenExpiry(credentials: Credentials): number | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(credentials.authorization?.trim() ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function openConnection(caller: (identity: Identity) => Caller, identity: Identity): Connection {
  return { id: randomUUID(), caller: caller(identity), active: 0, streams: new Set() };
}

/** Reserves a subscription slot, or refuses with TOO_MANY_SUBSCRIPTIONS. */
export function reserveSubscription(connection: Connection, max: number): () => void {
  if (connection.active >= max) {
    throw new AppError('TOO_MANY_SUBSCRIPTIONS', `A connection may hold ${max} subscriptions at once; complete one or open another connection.`, { max });
  }
  connection.active += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    connection.active -= 1;
  };
}
