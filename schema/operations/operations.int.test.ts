import { readFileSync } from 'node:fs';
import { parse, type OperationDefinitionNode } from 'graphql';
import { loadConfig } from '@waitlessq/config';
import { apiSchemaOf, compileManifestText, compileOperations, manifestPath, OperationsError, type Manifest } from '../../scripts/compile-operations';
import { operationLimitRefusal } from '../../gateway/src/edge/operation-limits';
import { countTokens } from '../../gateway/src/edge/token-limit';

const supergraph = readFileSync(`${__dirname}/../supergraph.graphql`, 'utf8');

describe('schema/operations (trusted documents)', () => {
  it('compile against the current supergraph into the committed manifest', () => {
    // Throws, naming each operation, when one no longer validates against the supergraph.
    const compiled = compileManifestText();
    if (readFileSync(manifestPath, 'utf8') !== compiled) {
      throw new Error('schema/operations/manifest.json is out of date with schema/operations/*.graphql: run `npm run operations` and commit the result.');
    }
  });

  it('reports an operation that no longer validates, by file and name', () => {
    const sources = [{ file: 'kiosk/Broken.graphql', text: 'query KioskBroken($id: ID!) { queue(id: $id) { id ticketColour } }' }];
    expect(() => compileOperations(sources, apiSchemaOf(supergraph))).toThrow(OperationsError);
    expect(() => compileOperations(sources, apiSchemaOf(supergraph))).toThrow(/kiosk\/Broken.graphql: KioskBroken no longer validates.*ticketColour/);
  });

  it('are each within the limits the gateway applies by default', () => {
    const limits = loadConfig('gateway', {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      IDENTITY_SIGNING_SECRET: 'x'.repeat(32),
      VISIT_TOKEN_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgresql://h/d',
      REDIS_URL: 'redis://h',
    }).edge.limits;
    const schema = apiSchemaOf(supergraph);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    for (const { name, body } of manifest.operations) {
      const document = parse(body);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
      expect({ name, refusal: operationLimitRefusal({ schema, document, operation }, limits)?.message }).toEqual({ name, refusal: undefined });
      expect(countTokens(body, limits.maxTokens)).toBeLessThanOrEqual(limits.maxTokens);
    }
  });
});
