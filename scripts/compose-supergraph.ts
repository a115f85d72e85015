import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import type { DocumentNode } from 'graphql';
import { typeDefs as businessTypeDefs } from '../subgraphs/business/src/schema';
import { typeDefs as pwaTypeDefs } from '../subgraphs/pwa/src/schema';
import { typeDefs as queueTypeDefs } from '../subgraphs/queue/src/schema';
import { typeDefs as userTypeDefs } from '../subgraphs/user/src/schema';

export const supergraphPath = path.resolve(__dirname, '../schema/supergraph.graphql');

/** The URLs written into the file are placeholders: the gateway uses its configured ones. */
const subgraphs: { name: string; port: number; typeDefs: DocumentNode }[] = [
  { name: 'user', port: 4001, typeDefs: userTypeDefs },
  { name: 'business', port: 4002, typeDefs: businessTypeDefs },
  { name: 'queue', port: 4003, typeDefs: queueTypeDefs },
  { name: 'pwa', port: 4004, typeDefs: pwaTypeDefs },
];

const header = "# Composed from the subgraphs' schemas by `npm run compose`. Do not edit: change a subgraph and compose again.\n\n";

export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`The subgraphs do not compose:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** The supergraph SDL of the four subgraphs' current sources, as the committed file holds it. */
export function composeSupergraph(): string {
  const result = composeServices(subgraphs.map(({ name, port, typeDefs }) => ({ name, typeDefs, url: `http://127.0.0.1:${port}/graphql` })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return header + result.supergraphSdl;
}

if (require.main === module) {
  try {
    writeFileSync(supergraphPath, composeSupergraph());
    process.stdout.write(`Wrote ${path.relative(process.cwd(), supergraphPath)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
