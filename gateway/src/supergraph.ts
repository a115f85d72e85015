import { readFileSync } from 'node:fs';
import path from 'node:path';

/** schema/supergraph.graphql at the repository root (the same depth from src/ and dist/). */
export const defaultSupergraphPath = path.resolve(__dirname, '../../schema/supergraph.graphql');

/**
 * The composed supergraph, read once at start-up. The gateway never introspects subgraphs:
 * what it serves is exactly what was composed, reviewed and committed (`npm run compose`).
 */
export function readSupergraph(file: string = defaultSupergraphPath): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot read the supergraph at ${file} (${reason}). Run \`npm run compose\` to write it.`);
  }
}
