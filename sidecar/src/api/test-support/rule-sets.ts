// Rule sets compiled by hand for the API tests, evaluated by the real engine. The flags reproduce
// Flipt's own test data where reference/flipt-semantics.md §14 gives the expected answers.
import { computeRevision } from '@ensign/core/revision.ts';
import {
  ConstraintType,
  FlagType,
  MatchType,
  RuleSet,
  SegmentOperator,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from '../../engine/build-index.ts';
import type { RuleSetLookup, ServedNamespace } from '../../store/lookup.ts';
import { servedNamespace } from '../../store/served-namespace.ts';

/** A rule set with its content revision, from ts-proto's partial form. */
function ruleSet(partial: Parameters<typeof RuleSet.fromPartial>[0]): RuleSet {
  const draft = RuleSet.fromPartial(partial);
  return { ...draft, revision: computeRevision(draft) };
}

const inSegment = (key: string) => ({
  key,
  name: key,
  matchType: MatchType.MATCH_TYPE_ALL,
  constraints: [
    {
      type: ConstraintType.CONSTRAINT_TYPE_STRING,
      property: 'in_segment',
      operator: 'eq',
      value: key,
      operand: { $case: 'stringValue' as const, value: key },
    },
  ],
});

/** Namespace `default`. */
export const DEFAULT_RULE_SET = ruleSet({
  namespace: 'default',
  segments: [
    { key: 'everyone', name: 'Everyone', matchType: MatchType.MATCH_TYPE_ALL },
    inSegment('segment_001'),
    inSegment('segment_005'),
    {
      key: 'vip',
      name: 'VIP',
      description: 'named users',
      matchType: MatchType.MATCH_TYPE_ANY,
      constraints: [
        {
          type: ConstraintType.CONSTRAINT_TYPE_ENTITY_ID,
          property: '',
          operator: 'eq',
          value: 'user@flipt.io',
          operand: { $case: 'stringValue', value: 'user@flipt.io' },
        },
      ],
    },
  ],
  flags: [
    {
      // §14 case 25: entity some-fixed-entity-id, in_segment=segment_005 → bucket 553 → variant_002.
      key: 'flag_001',
      name: 'Flag 001',
      type: FlagType.FLAG_TYPE_VARIANT,
      enabled: true,
      variants: [
        { key: 'variant_001', name: 'one' },
        { key: 'variant_002', name: 'two', attachment: '{"color":"blue"}' },
      ],
      rules: [
        {
          segmentKeys: ['segment_005'],
          segmentOperator: SegmentOperator.SEGMENT_OPERATOR_OR,
          distributions: [
            { variantKey: 'variant_001', rollout: 50 },
            { variantKey: 'variant_002', rollout: 50 },
          ],
        },
      ],
    },
    {
      // §14 case 27: disabled, yet entity `fixed` (h=9) gets true via the 50% threshold.
      key: 'flag_boolean',
      name: 'Flag Boolean',
      type: FlagType.FLAG_TYPE_BOOLEAN,
      enabled: false,
      rollouts: [
        {
          kind: {
            $case: 'segment',
            value: {
              segmentKeys: ['segment_001'],
              segmentOperator: SegmentOperator.SEGMENT_OPERATOR_OR,
              value: true,
            },
          },
        },
        { kind: { $case: 'threshold', value: { percentage: 50, value: true } } },
      ],
    },
    {
      key: 'flag_default',
      name: 'Flag Default',
      type: FlagType.FLAG_TYPE_VARIANT,
      enabled: true,
      variants: [
        { key: 'blue', attachment: '{"hex":"#00f"}' },
        { key: 'green', attachment: '' },
      ],
      defaultVariant: 'blue',
    },
    {
      // §14 case 9.
      key: 'flag_disabled',
      name: 'Flag Disabled',
      type: FlagType.FLAG_TYPE_VARIANT,
      enabled: false,
      variants: [{ key: 'bar', attachment: '{"bar":"baz"}' }],
      defaultVariant: 'bar',
    },
    {
      key: 'flag_vip',
      name: 'Flag VIP',
      description: 'gold or silver for named users',
      type: FlagType.FLAG_TYPE_VARIANT,
      enabled: true,
      variants: [{ key: 'gold' }, { key: 'silver' }],
      rules: [
        {
          // crc32("flag_vip" + "user@flipt.io") % 1000 = 959 → silver.
          segmentKeys: ['vip', 'everyone'],
          segmentOperator: SegmentOperator.SEGMENT_OPERATOR_AND,
          distributions: [
            { variantKey: 'gold', rollout: 33.33 },
            { variantKey: 'silver', rollout: 66.67 },
          ],
        },
      ],
      metadata: { team: 'growth' },
    },
  ],
});

/** Namespace `shop`. */
export const SHOP_RULE_SET = ruleSet({
  namespace: 'shop',
  flags: [{ key: 'checkout', name: 'Checkout', type: FlagType.FLAG_TYPE_BOOLEAN, enabled: true }],
});

/** A rule set served as the store serves one: indexed from its wire bytes. */
export function served(rs: RuleSet): ServedNamespace {
  const wire = RuleSet.encode(rs).finish();
  return servedNamespace(buildIndex(wire), wire);
}

/** A lookup over fixed rule sets; `set` swaps a namespace the way the store does. */
export function lookupOf(
  defaultNamespace: string,
  ruleSets: readonly RuleSet[],
): RuleSetLookup & { set(rs: RuleSet): void } {
  const map = new Map(ruleSets.map((rs) => [rs.namespace, served(rs)]));
  return {
    defaultNamespace,
    get: (ns) => map.get(ns),
    set: (rs) => map.set(rs.namespace, served(rs)),
  };
}

export { ruleSet as hashedRuleSet };
