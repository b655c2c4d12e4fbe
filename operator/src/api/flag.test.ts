import { describe, expect, it } from 'vitest';
import { flag } from './flag.ts';

const withDistributions = (...rollouts: number[]) => ({
  apiVersion: 'ensign.dev/v1alpha1',
  kind: 'Flag',
  metadata: { name: 'f' },
  spec: {
    variants: rollouts.map((_, i) => ({ key: `v${i}` })),
    rules: [
      { segments: ['s'], distributions: rollouts.map((rollout, i) => ({ variant: `v${i}`, rollout })) },
    ],
  },
});

describe('the distribution sum rule', () => {
  it('accepts shares that add up to 100 up to floating-point rounding', () => {
    expect(0.01 + 66.65 + 33.34).toBeGreaterThan(100);
    expect(flag.safeParse(withDistributions(0.01, 66.65, 33.34)).success).toBe(true);
    expect(flag.safeParse(withDistributions(33.33, 33.33, 33.34)).success).toBe(true);
  });

  it('rejects shares over 100', () => {
    const result = flag.safeParse(withDistributions(50, 50.01));
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        'spec.rules.0.distributions',
        'the rollout percentages of spec.rules[].distributions must add up to at most 100',
      ],
    ]);
  });
});
