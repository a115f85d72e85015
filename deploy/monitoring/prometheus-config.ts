import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse, stringify } from 'yaml';

// The scrape configurations as the tests run them: the same files, with only what a test machine
// must change (target addresses, intervals, the rule file's absolute path).

export const monitoringDir = __dirname;
const k8sDir = path.resolve(__dirname, '../k8s');

/** The six services Prometheus scrapes (the `app` target label). */
export const apps = ['gateway', 'user', 'business', 'queue', 'pwa', 'workers'] as const;
export type App = (typeof apps)[number];

interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
}
interface ScrapeConfig {
  job_name: string;
  static_configs?: StaticConfig[];
  kubernetes_sd_configs?: unknown[];
  [key: string]: unknown;
}
export interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string; [key: string]: unknown };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

export const readConfig = (file: string): PrometheusConfig => parse(readFileSync(path.join(monitoringDir, file), 'utf8')) as PrometheusConfig;

/** Rule files by absolute path, so the rendered file may be written anywhere. */
const absoluteRules = (config: PrometheusConfig): string[] => config.rule_files.map((file) => path.resolve(monitoringDir, file));

/**
 * prometheus-static.yml (the Compose file's) with each app's targets replaced by the addresses
 * given and the intervals shortened; jobs, labels, paths and rules stay as they are.
 */
export function renderStaticConfig(targets: Record<App, string[]>, interval: string): string {
  const config = readConfig('prometheus-static.yml');
  config.global.scrape_interval = interval;
  config.global.evaluation_interval = interval;
  config.rule_files = absoluteRules(config);
  for (const scrape of config.scrape_configs) {
    for (const group of scrape.static_configs ?? []) {
      const app = group.labels?.app as App | undefined;
      if (!app || !targets[app]) throw new Error(`prometheus-static.yml: a target group without a known app label (${JSON.stringify(group.labels)})`);
      group.targets = targets[app];
    }
  }
  return stringify(config);
}

interface PodTemplateOwner {
  kind: string;
  spec?: { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } };
}

/** The pod labels and annotations of every Deployment in deploy/k8s, by app name. */
export function kubernetesPods(): { app: string; labels: Record<string, string>; annotations: Record<string, string> }[] {
  return readdirSync(k8sDir)
    .filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) => parseAllDocuments(readFileSync(path.join(k8sDir, file), 'utf8')).map((doc) => doc.toJS() as PodTemplateOwner | null))
    .filter((doc): doc is PodTemplateOwner => doc?.kind === 'Deployment')
    .map((doc) => {
      const metadata = doc.spec?.template?.metadata ?? {};
      return { app: metadata.labels?.['app.kubernetes.io/name'] ?? '', labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} };
    });
}

const metaName = (prefix: string, key: string) => `${prefix}${key.replace(/[^A-Za-z0-9_]/g, '_')}`;

/**
 * prometheus.yml with its Kubernetes pod discovery replaced by the targets that discovery
 * would produce for the Deployments of deploy/k8s (their pod labels and annotations as
 * __meta_kubernetes_* labels, one running pod each at `address`): Debian's prometheus and
 * promtool are built without Kubernetes discovery, and this way the relabelling still runs.
 */
export function renderKubernetesConfig(address: (app: string) => string, interval: string): string {
  const config = readConfig('prometheus.yml');
  config.global.scrape_interval = interval;
  config.global.evaluation_interval = interval;
  config.rule_files = absoluteRules(config);
  for (const scrape of config.scrape_configs) {
    if (!scrape.kubernetes_sd_configs) continue;
    delete scrape.kubernetes_sd_configs;
    scrape.static_configs = kubernetesPods().map((pod) => ({
      targets: [address(pod.app)],
      labels: {
        __meta_kubernetes_namespace: 'waitlessq',
        __meta_kubernetes_pod_name: `${pod.app}-0`,
        __meta_kubernetes_pod_phase: 'Running',
        ...Object.fromEntries(Object.entries(pod.labels).map(([key, value]) => [metaName('__meta_kubernetes_pod_label_', key), value])),
        ...Object.fromEntries(Object.entries(pod.annotations).map(([key, value]) => [metaName('__meta_kubernetes_pod_annotation_', key), value])),
      },
    }));
  }
  return stringify(config);
}
