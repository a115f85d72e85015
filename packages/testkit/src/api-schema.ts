import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

export const supergraphFile = path.resolve(__dirname, '../../../schema/supergraph.graphql');

/**
 * The schema clients see: the committed supergraph without its @inaccessible parts, built by
 * the same library the gateway builds its API schema with.
 */
export function loadApiSchema(file: string = supergraphFile): GraphQLSchema {
  return Supergraph.build(readFileSync(file, 'utf8')).apiSchema().toGraphQLJSSchema();
}
