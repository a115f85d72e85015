import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apps, kubernetesPods, readConfig, renderKubernetesConfig } from './prometheus-config';

// The alert rules and scrape configurations as Prometheus loads them: Debian's promtool
// (package prometheus, installed by .ci/run) checks them and runs the rules' unit tests
// (alerts.test.yml), and every rule has a test.
const promtool = process.env.PROMTOOL_PATH ?? 'promtool';
const run = (...args: string[]) => execFileSync(promtool, args, { cwd: __dirname, encoding: 'utf8', stdio: 'pipe' });
const names = (file: string, pattern: RegExp) => [...readFileSync(path.join(__dirname, file), 'utf8').matchAll(pattern)].map((match) => match[1]);

describe('deploy/monitoring/alerts.yml', () => {
  const alerts = names('alerts.yml', /^\s+- alert: (\w+)$/gm);

  it('is valid for Prometheus (promtool check rules)', () => {
    expect(run('check', 'rules', 'alerts.yml')).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('fires each alert on the series it is for, and only then (promtool test rules)', () => {
    expect(run('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('has a unit test for every rule', () => {
    expect(new Set(names('alerts.test.yml', /alertname: (\w+)$/gm))).toEqual(new Set(alerts));
  });
});

describe('the scrape configurations', () => {
  it('prometheus-static.yml (Compose) scrapes the six services and is valid (promtool check config)', () => {
    const config = readConfig('prometheus-static.yml');
    const labelled = config.scrape_configs.flatMap((scrape) => (scrape.static_configs ?? []).map((group) => group.labels?.app));
    expect(new Set(labelled)).toEqual(new Set(apps));
    expect(run('check', 'config', 'prometheus-static.yml')).toContain('SUCCESS: prometheus-static.yml is valid');
  });

  it("prometheus.yml (Kubernetes) finds every Deployment's pods by their annotations and is valid (promtool check config)", () => {
    // Every service's pods ask to be scraped on their own port.
    const pods = kubernetesPods().filter((pod) => pod.annotations['prometheus.io/scrape'] === 'true');
    expect(new Set(pods.map((pod) => pod.app))).toEqual(new Set(apps));
    for (const pod of pods) expect(pod.annotations).toMatchObject({ 'prometheus.io/port': expect.stringMatching(/^\d+$/), 'prometheus.io/path': '/metrics' });
    // Debian's promtool has no Kubernetes discovery: the file is checked with the targets that
    // discovery would give (prometheus-config.ts), everything else as it is.
    const dir = mkdtempSync(path.join(tmpdir(), 'wlq-prometheus-'));
    try {
      writeFileSync(
        path.join(dir, 'prometheus.yml'),
        renderKubernetesConfig(() => '10.0.0.1', '15s'),
      );
      expect(run('check', 'config', path.join(dir, 'prometheus.yml'))).toContain('is valid prometheus config file syntax');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
