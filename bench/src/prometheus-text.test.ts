import { describe, expect, it } from 'vitest';
import { sample, samplesByLabel } from './prometheus-text.ts';

const TEXT = `# HELP ensign_operator_ruleset_flags Flags served in the namespace rule set.
# TYPE ensign_operator_ruleset_flags gauge
ensign_operator_ruleset_flags{namespace="a"} 100
ensign_operator_ruleset_flags{namespace="b"} 37
ensign_operator_ruleset_flags_other{namespace="c"} 5
ensign_operator_compile_duration_seconds_sum 0.75
ensign_operator_compile_duration_seconds_count 3
`;

describe('samplesByLabel', () => {
  it('maps each sample of the metric by its label value and ignores other metrics', () => {
    expect([...samplesByLabel(TEXT, 'ensign_operator_ruleset_flags', 'namespace')]).toEqual([
      ['a', 100],
      ['b', 37],
    ]);
  });
});

describe('sample', () => {
  it('reads an unlabelled sample and is undefined for an absent one', () => {
    expect(sample(TEXT, 'ensign_operator_compile_duration_seconds_count')).toBe(3);
    expect(sample(TEXT, 'ensign_operator_compile_duration_seconds_sum')).toBe(0.75);
    expect(sample(TEXT, 'ensign_nothing')).toBeUndefined();
  });
});
