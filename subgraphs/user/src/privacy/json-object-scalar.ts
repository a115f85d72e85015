import { JSONScalar } from '@waitlessq/subgraph-kit';
import { GraphQLScalarType } from 'graphql';

/**
 * A JSON document in the public API (a customer's data export). Not `JSON`: that name is the
 * business and queue subgraphs' internal, @inaccessible scalar, and one public field of it
 * would make the composed schema invalid.
 */
export const JSONObjectScalar = new GraphQLScalarType({ ...JSONScalar.toConfig(), name: 'JSONObject', description: 'A JSON document.' });
