import { describe, expect, it } from 'vitest';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { DEFAULT_RULE_SET } from '../test-support/rule-sets.ts';
import { snapshotDocument } from './snapshot-document.ts';

type Doc = { flags: { key: string; [k: string]: unknown }[] };

function flagOf(doc: Record<string, unknown>, key: string): Record<string, unknown> {
  const flag = (doc as Doc).flags.find((f) => f.key === key);
  if (!flag) throw new Error(`no flag ${key}`);
  return flag;
}

describe('client snapshot document', () => {
  it('renders a variant flag with its segments inline, distributions and the default variant (1.47+)', () => {
    const doc = snapshotDocument(DEFAULT_RULE_SET, 2);
    expect(doc.namespace).toEqual({ key: 'default' });
    expect(flagOf(doc, 'flag_001')).toEqual({
      key: 'flag_001',
      name: 'Flag 001',
      description: '',
      enabled: true,
      type: 'VARIANT_FLAG_TYPE',
      rules: [
        {
          id: 'flag_001/rule/1',
          segments: [
            {
              key: 'segment_005',
              name: 'segment_005',
              description: '',
              matchType: 'ALL_SEGMENT_MATCH_TYPE',
              constraints: [
                {
                  id: 'segment_005/constraint/1',
                  type: 'STRING_CONSTRAINT_COMPARISON_TYPE',
                  property: 'in_segment',
                  operator: 'eq',
                  value: 'segment_005',
                },
              ],
            },
          ],
          rank: 1,
          segmentOperator: 'OR_SEGMENT_OPERATOR',
          distributions: [
            {
              id: 'flag_001/rule/1/distribution/1',
              ruleId: 'flag_001/rule/1',
              variantId: 'flag_001/variant/variant_001',
              variantKey: 'variant_001',
              variantAttachment: '',
              rollout: 50,
            },
            {
              id: 'flag_001/rule/1/distribution/2',
              ruleId: 'flag_001/rule/1',
              variantId: 'flag_001/variant/variant_002',
              variantKey: 'variant_002',
              variantAttachment: '{"color":"blue"}',
              rollout: 50,
            },
          ],
        },
      ],
      rollouts: [],
    });
    expect(flagOf(doc, 'flag_default').defaultVariant).toEqual({
      id: 'flag_default/variant/blue',
      key: 'blue',
      attachment: '{"hex":"#00f"}',
    });
  });

  it('renders a boolean flag’s segment and threshold rollouts in order', () => {
    const flag = flagOf(snapshotDocument(DEFAULT_RULE_SET, 2), 'flag_boolean');
    expect(flag).toMatchObject({ enabled: false, type: 'BOOLEAN_FLAG_TYPE', rules: [] });
    expect(flag.rollouts).toEqual([
      {
        type: 'SEGMENT_ROLLOUT_TYPE',
        rank: 1,
        segment: {
          value: true,
          segmentOperator: 'OR_SEGMENT_OPERATOR',
          segments: [expect.objectContaining({ key: 'segment_001' }) as unknown],
        },
      },
      { type: 'THRESHOLD_ROLLOUT_TYPE', rank: 2, threshold: { percentage: 50, value: true } },
    ]);
    expect(flag).not.toHaveProperty('defaultVariant');
  });

  it('prints float32 rollouts with the digits Flipt prints', () => {
    const decoded = RuleSet.decode(RuleSet.encode(DEFAULT_RULE_SET).finish());
    const rule = (
      flagOf(snapshotDocument(decoded, 2), 'flag_vip').rules as { distributions: { rollout: number }[] }[]
    )[0];
    expect(rule?.distributions[0]?.rollout).toBe(33.33);
  });

  it('keeps ENTITY_ID constraints for clients from 1.38 on', () => {
    const vip = flagOf(snapshotDocument(DEFAULT_RULE_SET, 1), 'flag_vip');
    expect(JSON.stringify(vip)).toContain('"type":"ENTITY_ID_CONSTRAINT_COMPARISON_TYPE"');
    expect(vip).toMatchObject({ rules: [{ segmentOperator: 'AND_SEGMENT_OPERATOR' }] });
  });

  it('sends ENTITY_ID constraints as UNKNOWN and omits defaultVariant for clients before 1.38', () => {
    const doc = snapshotDocument(DEFAULT_RULE_SET, 0);
    const text = JSON.stringify(doc);
    expect(text).not.toContain('ENTITY_ID_CONSTRAINT_COMPARISON_TYPE');
    expect(text).toContain(
      '{"id":"vip/constraint/1","type":"UNKNOWN_CONSTRAINT_COMPARISON_TYPE","property":"","operator":"eq","value":"user@flipt.io"}',
    );
    expect(flagOf(doc, 'flag_default')).not.toHaveProperty('defaultVariant');
  });

  it('omits defaultVariant for clients from 1.38 to 1.46', () => {
    expect(flagOf(snapshotDocument(DEFAULT_RULE_SET, 1), 'flag_default')).not.toHaveProperty(
      'defaultVariant',
    );
  });

  it('refuses a rule set whose rule names a segment it lacks', () => {
    const broken = RuleSet.fromPartial({
      namespace: 'x',
      flags: [{ key: 'f', rules: [{ segmentKeys: ['ghost'] }] }],
    });
    expect(() => snapshotDocument(broken, 2)).toThrow('flag "f" references segment "ghost"');
  });
});
