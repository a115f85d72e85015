import { readFileSync } from 'node:fs';
import path from 'node:path';

/** schema/operations/manifest.json at the repository root (the same depth from src/ and dist/). */
const manifestPath = path.resolve(__dirname, '../../../schema/operations/manifest.json');

/**
 * Operations the services send each other (and the gateway to the user subgraph), outside the
 * trusted-documents manifest. operation-label.test.ts finds every named operation in the
 * services' sources and fails when one is missing here.
 */
export const internalOperations: readonly string[] = [
  'ApiKeyIdentity',
  'AuditVisitEvents',
  'PrivacyErase',
  'PrivacyErasePush',
  'PrivacyExport',
  'PrivacyPush',
  'ProvisionOrganization',
  'PwaBusinessById',
  'PwaBusinessBySlug',
  'PwaJoinQueueOf',
  'PwaPushVisit',
  'QueueUpdatedAccess',
  'SubscriptionAccess',
  'SubscriptionPayloads',
  'VisitUpdatedAccess',
];

/** Every label value not in the list: an operation name is client input, unbounded. */
export const otherOperation = 'other';

/** The names of the manifest's operations; none when it cannot be read (every client operation is then `other`). */
export function manifestOperationNames(file: string = manifestPath): string[] {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { operations?: { name?: unknown }[] };
    return (manifest.operations ?? []).flatMap((operation) => (typeof operation.name === 'string' ? [operation.name] : []));
  } catch {
    return [];
  }
}

/**
 * The `operation` label of a service's metrics, bounded: a name of the manifest or a known
 * internal operation as is; the gateway's query plans name a subgraph's fetch
 * `<operation>__<subgraph>__<index>`, kept when `<operation>` is known and `<subgraph>` is
 * this service; no name is `anonymous`; anything else is `other`. Results are memoized per
 * name seen (a Map lookup per request), the memo itself bounded.
 */
export function createOperationLabel(
  service: string,
  known: Iterable<string> = [...manifestOperationNames(), ...internalOperations],
): (name: string | null | undefined) => string {
  const names = new Set(known);
  const planned = new RegExp(`^(.+)__${service.replace(/[^A-Za-z0-9_]/g, '')}__\\d{1,3}$`);
  const memo = new Map<string, string>();
  const maxMemo = 10_000;
  const labelOf = (name: string): string => {
    if (names.has(name)) return name;
    const match = planned.exec(name);
    return match && names.has(match[1]) ? name : otherOperation;
  };
  return (name) => {
    if (!name) return 'anonymous';
    let label = memo.get(name);
    if (label === undefined) {
      label = labelOf(name);
      // Unknown names are unbounded: past the limit, compute them each time rather than grow.
      if (memo.size < maxMemo) memo.set(name, label);
    }
    return label;
  };
}
