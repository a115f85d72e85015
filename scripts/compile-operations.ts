import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import {
  Kind,
  parse,
  print,
  validate,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

// Trusted documents: the operations our own clients (staff dashboard, PWA, kiosks, display
// screens) send, compiled into Apollo's persisted query list format. The gateway loads the
// manifest at start-up; partner keys may run nothing else.

export const operationsDir = path.resolve(__dirname, '../schema/operations');
export const manifestPath = path.join(operationsDir, 'manifest.json');
const supergraphPath = path.resolve(__dirname, '../schema/supergraph.graphql');

export interface ManifestOperation {
  /** The SHA-256 of body, in hex: what a client sends as `extensions.persistedQuery.sha256Hash`. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface Manifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ManifestOperation[];
}

export interface OperationSource {
  /** Relative to the operations folder, for messages. */
  file: string;
  text: string;
}

export class OperationsError extends Error {
  constructor(readonly problems: string[]) {
    super(`The operations do not compile:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'OperationsError';
  }
}

/** Every `.graphql` file under the folder, in a stable order. */
export function readOperationSources(dir: string = operationsDir): OperationSource[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .sort();
  return files.map((file) => ({ file: file.split(path.sep).join('/'), text: readFileSync(path.join(dir, file), 'utf8') }));
}

/** What clients may query: the supergraph without its join directives and @inaccessible parts. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/**
 * The manifest of these sources, each operation validated against the API schema. Bodies are
 * printed by graphql-js (the operation, then the fragments it uses by name), so reformatting a
 * file or reordering fragments does not change an id; a changed selection does.
 */
export function compileOperations(sources: OperationSource[], schema: GraphQLSchema): Manifest {
  const problems: string[] = [];
  const operations: { file: string; node: OperationDefinitionNode }[] = [];
  const fragments = new Map<string, { file: string; node: FragmentDefinitionNode }>();

  for (const { file, text } of sources) {
    let definitions: readonly DefinitionNode[];
    try {
      definitions = parse(text, { noLocation: true }).definitions;
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const node of definitions) {
      if (node.kind === Kind.FRAGMENT_DEFINITION) {
        const taken = fragments.get(node.name.value);
        if (taken) problems.push(`${file}: fragment ${node.name.value} is also defined in ${taken.file}`);
        else fragments.set(node.name.value, { file, node });
      } else if (node.kind === Kind.OPERATION_DEFINITION) {
        if (!node.name) problems.push(`${file}: every operation needs a name`);
        else operations.push({ file, node });
      } else {
        problems.push(`${file}: only operations and fragments belong here, not ${node.kind}`);
      }
    }
  }

  const names = new Map<string, string>();
  const used = new Set<string>();
  const compiled: ManifestOperation[] = [];
  for (const { file, node } of operations) {
    const name = node.name!.value;
    const other = names.get(name);
    if (other) {
      problems.push(`${file}: operation ${name} is also defined in ${other}`);
      continue;
    }
    names.set(name, file);
    const needed = fragmentsUsedBy(node, fragments, (missing) => problems.push(`${file}: ${name} uses an unknown fragment ${missing}`));
    needed.forEach((fragment) => used.add(fragment));
    const document = { kind: Kind.DOCUMENT, definitions: [node, ...[...needed].sort().map((n) => fragments.get(n)!.node)] } as const;
    const errors = validate(schema, document);
    if (errors.length > 0) {
      problems.push(...errors.map((error) => `${file}: ${name} no longer validates against the supergraph: ${error.message}`));
      continue;
    }
    const body = print(document);
    compiled.push({ id: sha256(body), name, type: node.operation, body });
  }
  for (const [name, { file }] of fragments) {
    if (!used.has(name)) problems.push(`${file}: fragment ${name} is used by no operation`);
  }
  if (problems.length > 0) throw new OperationsError(problems);
  compiled.sort((a, b) => a.name.localeCompare(b.name));
  return { format: 'apollo-persisted-query-manifest', version: 1, operations: compiled };
}

/** The manifest file's text for the current sources and supergraph, as committed. */
export function compileManifestText(): string {
  const manifest = compileOperations(readOperationSources(), apiSchemaOf(readFileSync(supergraphPath, 'utf8')));
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function fragmentsUsedBy(
  root: OperationDefinitionNode,
  fragments: Map<string, { node: FragmentDefinitionNode }>,
  onMissing: (name: string) => void,
): Set<string> {
  const found = new Set<string>();
  const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [root];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (found.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) return void onMissing(name);
        found.add(name);
        pending.push(fragment.node);
      },
    });
  }
  return found;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

if (require.main === module) {
  try {
    writeFileSync(manifestPath, compileManifestText());
    process.stdout.write(`Wrote ${path.relative(process.cwd(), manifestPath)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
