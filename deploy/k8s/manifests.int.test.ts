import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

// The Kubernetes manifests' invariants (no kubeconform or cluster here): every Deployment has
// probes, a preStop pause, a grace period longer than that pause and its drain, topology spread,
// a PodDisruptionBudget that leaves a pod up and an autoscaler with the scaling plan's targets.
// A Deployment added without one of them fails here.

const dir = __dirname;

interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  file: string;
}

interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

interface Container {
  name: string;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
}

interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    terminationGracePeriodSeconds?: number;
    containers: Container[];
    topologySpreadConstraints?: { topologyKey: string; maxSkew: number; labelSelector?: { matchLabels?: Record<string, string> } }[];
  };
}

interface HpaSpec {
  scaleTargetRef: { kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  metrics: { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }[];
}

const kustomization = parseAllDocuments(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0].toJS() as { resources: string[] };
const files = readdirSync(dir).filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml');
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((document) => {
    if (document.errors.length) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
    return { ...(document.toJS() as Omit<Manifest, 'file'>), file };
  }),
);
const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const deployments = ofKind('Deployment');

/** A selector's labels all on the pod template: it selects these pods. */
const selects = (matchLabels: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!matchLabels && Object.keys(matchLabels).length > 0 && Object.entries(matchLabels).every(([key, value]) => labels[key] === value);

const template = (deployment: Manifest) => deployment.spec.template as PodTemplate;

/** The preStop pause in seconds: `exec: sleep N` or Kubernetes' own `sleep` action. */
function preStopSeconds(container: Container): number | undefined {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const command = preStop?.exec?.command;
  if (command?.length === 2 && command[0] === 'sleep' && /^\d+$/.test(command[1])) return Number(command[1]);
  return undefined;
}

/** The scaling plan: CPU 70 %, memory 80 %; the gateway and queue 3 to 20 replicas. */
const plannedReplicas: Record<string, [number, number]> = { gateway: [3, 20], queue: [3, 20] };

describe('deploy/k8s', () => {
  it('kustomization.yaml lists every manifest in the folder, and nothing else', () => {
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it('has the six services as Deployments', () => {
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['business', 'gateway', 'pwa', 'queue', 'user', 'workers']);
  });

  describe.each(deployments.map((deployment) => [deployment.metadata.name, deployment] as const))('Deployment %s', (name, deployment) => {
    const pod = template(deployment);
    const labels = pod.metadata.labels;

    it('probes liveness on /health and readiness on /ready (which fails from the start of a stop)', () => {
      for (const container of pod.spec.containers) {
        expect(container.livenessProbe?.httpGet?.path).toBe('/health');
        expect(container.readinessProbe?.httpGet?.path).toBe('/ready');
        expect(container.startupProbe?.httpGet?.path).toBe('/health');
      }
    });

    it('gives a stop more time than the preStop pause and the drain together', () => {
      const drainSeconds = Number(pod.metadata.annotations?.['waitlessq.io/drain-seconds']);
      expect(drainSeconds).toBeGreaterThan(0);
      const grace = pod.spec.terminationGracePeriodSeconds;
      for (const container of pod.spec.containers) {
        const pause = preStopSeconds(container);
        expect(pause).toBeGreaterThan(0);
        // At least 2 s of margin before SIGKILL (a loaded node is slow to close connections).
        expect(grace).toBeGreaterThanOrEqual(pause! + drainSeconds + 2);
        // A draining process no longer accepts connections: liveness must not give up on it
        // before the drain is over (Kubernetes' defaults: every 10 s, 3 failures).
        const liveness = container.livenessProbe!;
        expect((liveness.periodSeconds ?? 10) * (liveness.failureThreshold ?? 3)).toBeGreaterThan(drainSeconds);
      }
    });

    it('spreads its pods across nodes and zones', () => {
      const constraints = pod.spec.topologySpreadConstraints ?? [];
      expect(constraints.map((constraint) => constraint.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      for (const constraint of constraints) {
        expect(constraint.maxSkew).toBe(1);
        expect(selects(constraint.labelSelector?.matchLabels, labels)).toBe(true);
      }
    });

    it("has an autoscaler with the scaling plan's targets, which owns the replica count", () => {
      const hpas = ofKind('HorizontalPodAutoscaler').filter((hpa) => {
        const ref = (hpa.spec as unknown as HpaSpec).scaleTargetRef;
        return ref.kind === 'Deployment' && ref.name === name;
      });
      expect(hpas).toHaveLength(1);
      const spec = hpas[0].spec as unknown as HpaSpec;
      const target = (resource: string) => spec.metrics.find((metric) => metric.type === 'Resource' && metric.resource?.name === resource)?.resource?.target;
      expect(target('cpu')).toEqual({ type: 'Utilization', averageUtilization: 70 });
      expect(target('memory')).toEqual({ type: 'Utilization', averageUtilization: 80 });
      expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
      if (plannedReplicas[name]) expect([spec.minReplicas, spec.maxReplicas]).toEqual(plannedReplicas[name]);
      // A replica count here would undo the autoscaler's on every apply.
      expect(deployment.spec.replicas).toBeUndefined();
    });

    it('has a PodDisruptionBudget that leaves at least one pod serving', () => {
      const budgets = ofKind('PodDisruptionBudget').filter((pdb) =>
        selects((pdb.spec.selector as { matchLabels?: Record<string, string> }).matchLabels, labels),
      );
      expect(budgets).toHaveLength(1);
      const hpa = ofKind('HorizontalPodAutoscaler').find((h) => (h.spec as unknown as HpaSpec).scaleTargetRef.name === name)!;
      const minReplicas = (hpa.spec as unknown as HpaSpec).minReplicas;
      const { maxUnavailable, minAvailable } = budgets[0].spec as { maxUnavailable?: number; minAvailable?: number };
      if (maxUnavailable !== undefined) expect(minReplicas - maxUnavailable).toBeGreaterThanOrEqual(1);
      else expect(minAvailable).toBeGreaterThanOrEqual(1);
    });
  });
});
