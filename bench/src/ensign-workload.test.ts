import { flag } from '@ensign/operator/api/flag.ts';
import { segment } from '@ensign/operator/api/segment.ts';
import { FlagType } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { describe, expect, it } from 'vitest';
import { compileWorkload, encodeRuleSet, workloadRuleSet } from './ensign-rule-set.ts';
import { ensignWorkload } from './ensign-workload.ts';
import { loadRuleSetBytes } from './ensign-engine.ts';

describe('the Ensign workload', () => {
  it('passes the Flag and Segment schemas unchanged', () => {
    const { flags, segments } = ensignWorkload(6);
    for (const f of flags) expect(flag.parse(f)).toEqual(f);
    for (const s of segments) expect(segment.parse(s)).toEqual(s);
  });

  it('compiles without diagnostics and with every object ready', () => {
    const result = compileWorkload(ensignWorkload(10));
    expect(result.diagnostics).toEqual([]);
    expect(result.objects).toHaveLength(13);
    expect(result.objects.every((o) => o.ready)).toBe(true);
    expect(result.ruleSet.flags).toHaveLength(10);
    expect(result.ruleSet.segments.map((s) => s.key)).toEqual(['all-users', 'geo', 'pro-adults']);
  });

  it('alternates variant flags with three rules and boolean flags with one 30 % threshold', () => {
    const ruleSet = workloadRuleSet(4);
    const byKey = new Map(ruleSet.flags.map((f) => [f.key, f]));
    const v2 = byKey.get('v-2');
    const b3 = byKey.get('b-3');
    expect(v2?.type).toBe(FlagType.FLAG_TYPE_VARIANT);
    expect(v2?.rules.map((r) => r.segmentKeys)).toEqual([['pro-adults'], ['geo'], ['all-users']]);
    expect(v2?.rules[2]?.distributions.map((d) => [d.variantKey, d.rollout])).toEqual([
      ['control', 50],
      ['treatment', 50],
    ]);
    expect(b3?.type).toBe(FlagType.FLAG_TYPE_BOOLEAN);
    expect(b3?.enabled).toBe(false);
    expect(b3?.rollouts.map((r) => r.kind)).toEqual([
      { $case: 'threshold', value: { percentage: 30, value: true } },
    ]);
  });

  it('reaches the sidecar engine through its wire bytes', () => {
    const index = loadRuleSetBytes(encodeRuleSet(workloadRuleSet(8)));
    expect(index.size).toBe(8);
    expect(index.flag('v-6')?.rules).toHaveLength(3);
  });
});
