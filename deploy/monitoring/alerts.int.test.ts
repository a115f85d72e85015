import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// The alert rules as Prometheus loads them: Debian's promtool (package prometheus, installed by
// .ci/run) checks them and runs their unit tests (alerts.test.yml), and every rule has a test.
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
