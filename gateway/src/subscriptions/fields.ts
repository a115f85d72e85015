import type { Identity } from '@waitlessq/auth';
import { AppError } from '@waitlessq/errors';

/**
 * The subscription fields this gateway streams, and the little it must know of each before it
 * asks the owning subgraph anything: the arguments of the root field are the access question
 * (all but afterSequence, which only says where the stream starts), and a credential an
 * anonymous caller must bring. Who may subscribe, what is sent and when it ends are the queue
 * subgraph's (its subscriptionAccess and SubscriptionEvent.payloads).
 */
const fields: Record<string, { anonymousNeeds?: { argument: string; message: string } }> = {
  queueUpdated: {},
  visitUpdated: { anonymousNeeds: { argument: 'visitToken', message: 'Send the visit token, or sign in.' } },
};

export type SubscriptionField = string;

export const isSubscriptionField = (name: string): boolean => Object.hasOwn(fields, name);

/** A refusal that needs no call (an anonymous caller without the credential the field asks for), or null. */
export function precheck(field: SubscriptionField, identity: Identity, args: Record<string, unknown>): AppError | null {
  const needs = fields[field]?.anonymousNeeds;
  return needs && identity.kind === 'anonymous' && !args[needs.argument] ? new AppError('UNAUTHENTICATED', needs.message) : null;
}

/** The access question of a subscribe: the root field's arguments but afterSequence. */
export function accessArguments(args: Record<string, unknown>): Record<string, unknown> {
  const { afterSequence: _afterSequence, ...rest } = args;
  return rest;
}
