// The alert rules the chart ships (charts/ensign/files/prometheus-rules.yaml): valid for promtool,
// every alert unit-tested both firing and silent, and naming only metrics we export.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/processes.ts';
import { unknownNames } from './promql-names.ts';
import { prometheusToolsDir, promtool } from './prometheus-tools.ts';

const RULES = join(REPO_ROOT, 'charts/ensign/files/prometheus-rules.yaml');
const RULE_TESTS = fileURLToPath(new URL('prometheus-rules.test.yaml', import.meta.url));

interface RuleFile {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[];
  }[];
}
interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

let rules: RuleFile;
let ruleTests: RuleTests;

beforeAll(async () => {
  await prometheusToolsDir();
  rules = parse(await readFile(RULES, 'utf8')) as RuleFile;
  ruleTests = parse(await readFile(RULE_TESTS, 'utf8')) as RuleTests;
}, 300_000);

describe('alert rules', () => {
  it('pass promtool check rules', async () => {
    const result = await promtool(['check', 'rules', RULES]);
    expect(result.stderr + result.stdout).toContain('SUCCESS');
    expect(result.code, result.stderr).toBe(0);
  });

  it('pass their promtool unit tests', async () => {
    const result = await promtool(['test', 'rules', RULE_TESTS], { cwd: dirname(RULE_TESTS) });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('are tested from the file the chart embeds', () => {
    expect(ruleTests.rule_files.map((f) => join(dirname(RULE_TESTS), f))).toEqual([RULES]);
  });

  it('have, for every alert, a test where it fires and one where it stays silent', () => {
    const alerts = new Set(
      rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert === undefined ? [] : [r.alert]))),
    );
    const cases = ruleTests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} never fires in a test`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} is never tested silent`,
      ).toBe(true);
    }
    expect(alerts).toEqual(
      new Set([
        'EnsignOperatorNotLeading',
        'EnsignOperatorReconcileErrors',
        'EnsignPropagationLagHigh',
        'EnsignWebhookErrors',
        'EnsignWebhookSlow',
        'EnsignUninjectedPods',
        'EnsignCertificateExpiringSoon',
        'EnsignSidecarStale',
        'EnsignSidecarRuleSetRejected',
      ]),
    );
  });

  it('name only metrics the operator and sidecar export', async () => {
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(await unknownNames(exprs)).toEqual([]);
  });

  it('carry a severity and a runbook link into docs/operating.md that has a section for the alert', async () => {
    const operating = await readFile(join(REPO_ROOT, 'docs/operating.md'), 'utf8');
    const headings = new Set([...operating.matchAll(/^### (\w+)/gm)].map((m) => m[1]?.toLowerCase()));
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      if (rule.alert === undefined) continue;
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      const annotations = (rule as { annotations?: Record<string, string> }).annotations ?? {};
      expect(annotations.runbook_url).toMatch(new RegExp(`docs/operating\\.md#${rule.alert.toLowerCase()}$`));
      expect(headings.has(rule.alert.toLowerCase()), `docs/operating.md has no "### ${rule.alert}"`).toBe(
        true,
      );
    }
  });
});
