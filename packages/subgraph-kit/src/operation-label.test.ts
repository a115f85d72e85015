import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createOperationLabel, internalOperations, manifestOperationNames, otherOperation } from './operation-label';

const root = path.resolve(__dirname, '../../..');

describe('the operation label of the metrics', () => {
  const manifest = manifestOperationNames();
  const gateway = createOperationLabel('gateway');
  const queue = createOperationLabel('queue');

  it('reads the names of the trusted-documents manifest', () => {
    expect(manifest).toContain('DisplayQueueSummary');
    expect(manifest.length).toBeGreaterThan(10);
  });

  it('keeps the names of the manifest and of the internal operations', () => {
    for (const name of manifest) expect(gateway(name)).toBe(name);
    expect(queue('QueueUpdatedAccess')).toBe('QueueUpdatedAccess');
  });

  it("keeps a query plan's fetch of a known operation on the subgraph it names, and nowhere else", () => {
    expect(queue('DisplayQueueSummary__queue__0')).toBe('DisplayQueueSummary__queue__0');
    expect(queue('DisplayQueueSummary__business__1')).toBe(otherOperation);
    expect(queue('Made_Up__queue__0')).toBe(otherOperation);
    expect(queue('DisplayQueueSummary__queue__12345')).toBe(otherOperation);
  });

  it('turns every other name into `other`, and no name into `anonymous`', () => {
    expect(gateway('CallNext')).toBe(otherOperation);
    expect(gateway('constructor')).toBe(otherOperation);
    expect(gateway(`Random${'x'.repeat(500)}`)).toBe(otherOperation);
    expect(gateway(undefined)).toBe('anonymous');
    expect(gateway(null)).toBe('anonymous');
  });

  it('yields a bounded set of values for any number of names', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(gateway(`Query${i}`));
    expect([...seen]).toEqual([otherOperation]);
  });

  it('knows every operation the services send each other (the named ones in their sources)', () => {
    const sources = ['gateway/src', 'workers/src', ...['user', 'business', 'queue', 'pwa'].map((name) => `subgraphs/${name}/src`)];
    const named = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'generated') walk(file);
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          for (const match of readFileSync(file, 'utf8').matchAll(/[`'"]\s*(?:query|mutation) ([A-Z]\w*)\s*[($]/g)) named.add(match[1]);
        }
      }
    };
    for (const dir of sources) walk(path.join(root, dir));
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((name) => !internalOperations.includes(name) && !manifest.includes(name))).toEqual([]);
  });
});
