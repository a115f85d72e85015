import { auditedMutations, businessAuditedChanges } from './audit';
import { availabilityResolvers } from './availability/resolvers';
import { bookingPolicyResolvers } from './booking-policy/resolvers';
import { businessResolvers } from './businesses/resolvers';
import type { Resolvers } from './generated/resolvers-types';
import { openingHoursResolvers } from './opening-hours/resolvers';
import { organizationResolvers } from './organizations/resolvers';
import { DateTimeScalar, JSONScalar } from '@waitlessq/subgraph-kit';
import { serviceResolvers } from './services/resolvers';

type ResolverMap = Record<string, Record<string, unknown>>;
/** All the maps' types at once: each type with the fields of every feature. */
type Merged<U> = (U extends unknown ? (map: U) => void : never) extends (map: infer I) => void ? I : never;

/** Each feature resolves some fields of shared types (Business, Query, Mutation): merge them per type. */
function mergeResolvers<T extends ResolverMap[]>(...maps: T): Merged<T[number]> {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      for (const fieldName of Object.keys(fields)) {
        if (merged[typeName]?.[fieldName]) throw new Error(`Two features resolve ${typeName}.${fieldName}`);
      }
      merged[typeName] = { ...merged[typeName], ...fields };
    }
  }
  return merged as Merged<T[number]>;
}

const merged = mergeResolvers(organizationResolvers, businessResolvers, serviceResolvers, openingHoursResolvers, bookingPolicyResolvers, availabilityResolvers);

export const resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  ...merged,
  // Administrative changes reach the audit log (user subgraph) as jobs, once committed.
  Mutation: auditedMutations(merged.Mutation, businessAuditedChanges),
} satisfies Resolvers;
