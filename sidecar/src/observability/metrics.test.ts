import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createSidecarMetrics, MAX_METRICS_FLAG_KEYS } from './metrics.ts';
import type { ServedRuleSet } from './metrics.ts';

/** What the store reports for a served rule set. */
function servedOf(ruleSet: RuleSet, appliedAt: number): ServedRuleSet {
  const { namespace, revision, flags } = ruleSet;
  return { namespace, revision, flagCount: flags.length, appliedAt };
}

function setup(served: ServedRuleSet[], now: () => number) {
  const registry = new Registry();
  const metrics = createSidecarMetrics({ registry, now, ruleSets: () => served });
  return { registry, metrics };
}

async function valueOf(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value;
}

describe('sidecar metrics', () => {
  it('counts evaluations by api, type and reason', async () => {
    const { registry, metrics } = setup([], () => 0);
    metrics.evaluated('grpc', 'variant', 'MATCH', 'checkout');
    metrics.evaluated('grpc', 'variant', 'MATCH', 'checkout');
    metrics.evaluated('ofrep', 'boolean', 'DEFAULT', 'dark-mode');
    expect(
      await valueOf(registry, 'ensign_sidecar_evaluations_total', {
        api: 'grpc',
        type: 'variant',
        reason: 'MATCH',
      }),
    ).toBe(2);
    expect(
      await valueOf(registry, 'ensign_sidecar_evaluations_total', {
        api: 'ofrep',
        type: 'boolean',
        reason: 'DEFAULT',
      }),
    ).toBe(1);
  });

  it('counts errors by api and outcome kind', async () => {
    const { registry, metrics } = setup([], () => 0);
    metrics.failed('http', 'NOT_FOUND');
    expect(
      await valueOf(registry, 'ensign_sidecar_evaluation_errors_total', { api: 'http', code: 'NOT_FOUND' }),
    ).toBe(1);
    expect(
      await valueOf(registry, 'ensign_sidecar_evaluation_errors_total', { api: 'grpc', code: 'NOT_FOUND' }),
    ).toBeUndefined();
  });

  it('observes durations in microsecond-scale buckets', async () => {
    const { registry, metrics } = setup([], () => 0);
    metrics.observeDuration('grpc', 0.00002);
    const text = await registry.metrics();
    expect(text).toContain('ensign_sidecar_evaluation_duration_seconds_bucket{le="0.00004",api="grpc"} 1');
    expect(text).toContain('ensign_sidecar_evaluation_duration_seconds_bucket{le="0.00001",api="grpc"} 0');
  });

  it('reports revision, age and flag count of each served rule set at collect time', async () => {
    let now = 10_000;
    const served: ServedRuleSet[] = [
      servedOf(
        RuleSet.fromPartial({
          namespace: 'shop',
          revision: 'r1',
          flags: [{ key: 'a' }, { key: 'b' }],
        }),
        4_000,
      ),
    ];
    const { registry } = setup(served, () => now);
    expect(await valueOf(registry, 'ensign_sidecar_ruleset_age_seconds', { namespace: 'shop' })).toBe(6);
    now = 12_500;
    expect(await valueOf(registry, 'ensign_sidecar_ruleset_age_seconds', { namespace: 'shop' })).toBe(8.5);
    expect(await valueOf(registry, 'ensign_sidecar_ruleset_flags', { namespace: 'shop' })).toBe(2);
    expect(
      await valueOf(registry, 'ensign_sidecar_ruleset_revision_info', { namespace: 'shop', revision: 'r1' }),
    ).toBe(1);
  });

  it('drops the series of a replaced revision', async () => {
    const served: ServedRuleSet[] = [servedOf(RuleSet.fromPartial({ namespace: 'shop', revision: 'r1' }), 0)];
    const { registry } = setup(served, () => 0);
    await registry.metrics();
    served[0] = servedOf(RuleSet.fromPartial({ namespace: 'shop', revision: 'r2' }), 0);
    const text = await registry.metrics();
    expect(text).toContain('ensign_sidecar_ruleset_revision_info{namespace="shop",revision="r2"} 1');
    expect(text).not.toContain('revision="r1"');
  });

  it('has no per-flag series unless flags are allow-listed', async () => {
    const { registry, metrics } = setup([], () => 0);
    metrics.evaluated('grpc', 'boolean', 'MATCH', 'checkout');
    expect(registry.getSingleMetric('ensign_sidecar_flag_evaluations_total')).toBeUndefined();
    expect(await registry.metrics()).not.toContain('checkout');
  });

  it('counts allow-listed flags per flag and reason, and no other flag', async () => {
    const registry = new Registry();
    const metrics = createSidecarMetrics({
      registry,
      now: () => 0,
      ruleSets: () => [],
      flagKeys: ['checkout'],
    });
    metrics.evaluated('grpc', 'boolean', 'MATCH', 'checkout');
    metrics.evaluated('ofrep', 'variant', 'MATCH', 'checkout');
    metrics.evaluated('http', 'boolean', 'DEFAULT', 'dark-mode');
    expect(
      await valueOf(registry, 'ensign_sidecar_flag_evaluations_total', { flag: 'checkout', reason: 'MATCH' }),
    ).toBe(2);
    expect(await registry.metrics()).not.toContain('dark-mode');
  });

  it('refuses more allow-listed flags than the hard cap', () => {
    const flagKeys = Array.from({ length: MAX_METRICS_FLAG_KEYS + 1 }, (_, i) => `flag-${i}`);
    expect(() =>
      createSidecarMetrics({ registry: new Registry(), now: () => 0, ruleSets: () => [], flagKeys }),
    ).toThrow(/at most 20 flag keys/);
  });
});
