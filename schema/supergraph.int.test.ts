import { readFileSync } from 'node:fs';
import { composeSupergraph, supergraphPath } from '../scripts/compose-supergraph';

describe('schema/supergraph.graphql', () => {
  it("is what the subgraphs' current schemas compose to", () => {
    const composed = composeSupergraph();
    const committed = readFileSync(supergraphPath, 'utf8');
    if (committed !== composed) {
      throw new Error('schema/supergraph.graphql is out of date with the subgraph schemas: run `npm run compose` and commit the result.');
    }
  });
});
