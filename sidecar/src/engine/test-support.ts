// Builders for engine tests: RuleSets written the way the compiler emits them (operands pre-parsed).

import { parseGoDateTime } from '@ensign/core/go-values.ts';
import {
  ConstraintType,
  FlagType,
  MatchType,
  RuleSet,
  SegmentOperator,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { buildIndex } from './build-index.ts';
import type { NamespaceIndex } from './namespace-index.ts';
import type { EvaluationInput } from './outcome.ts';

// ts-proto does not export its DeepPartial; derive the partial shapes from fromPartial.
type PartialRuleSet = Parameters<typeof RuleSet.fromPartial>[0];
type PartialFlag = NonNullable<PartialRuleSet['flags']>[number];
type PartialSegment = NonNullable<PartialRuleSet['segments']>[number];
export type PartialConstraint = NonNullable<PartialSegment['constraints']>[number];
type PartialRule = NonNullable<PartialFlag['rules']>[number];
type PartialRollout = NonNullable<PartialFlag['rollouts']>[number];

export function stringConstraint(
  property: string,
  operator: string,
  value?: string | string[],
): PartialConstraint {
  return textual(ConstraintType.CONSTRAINT_TYPE_STRING, property, operator, value);
}

export function entityIdConstraint(operator: string, value?: string | string[]): PartialConstraint {
  return textual(ConstraintType.CONSTRAINT_TYPE_ENTITY_ID, 'entityId', operator, value);
}

function textual(
  type: ConstraintType,
  property: string,
  operator: string,
  value: string | string[] | undefined,
): PartialConstraint {
  if (value === undefined) return { type, property, operator };
  if (typeof value === 'string') {
    return { type, property, operator, value, operand: { $case: 'stringValue', value } };
  }
  return {
    type,
    property,
    operator,
    value: JSON.stringify(value),
    operand: { $case: 'stringList', value: { values: value } },
  };
}

export function numberConstraint(
  property: string,
  operator: string,
  value?: number | number[],
): PartialConstraint {
  const type = ConstraintType.CONSTRAINT_TYPE_NUMBER;
  if (value === undefined) return { type, property, operator };
  if (typeof value === 'number') {
    return { type, property, operator, value: String(value), operand: { $case: 'numberValue', value } };
  }
  return {
    type,
    property,
    operator,
    value: JSON.stringify(value),
    operand: { $case: 'numberList', value: { values: value } },
  };
}

export function booleanConstraint(property: string, operator: string): PartialConstraint {
  return { type: ConstraintType.CONSTRAINT_TYPE_BOOLEAN, property, operator };
}

export function dateTimeConstraint(property: string, operator: string, value?: string): PartialConstraint {
  const type = ConstraintType.CONSTRAINT_TYPE_DATETIME;
  if (value === undefined) return { type, property, operator };
  const instant = parseGoDateTime(value);
  if (instant === undefined) throw new Error(`test data: ${value} is not a datetime`);
  return { type, property, operator, value, operand: { $case: 'datetimeValue', value: instant } };
}

export function segment(
  key: string,
  constraints: PartialConstraint[] = [],
  matchType: MatchType = MatchType.MATCH_TYPE_ALL,
): PartialSegment {
  return { key, matchType, constraints };
}

export function anySegment(key: string, constraints: PartialConstraint[] = []): PartialSegment {
  return segment(key, constraints, MatchType.MATCH_TYPE_ANY);
}

export function rule(
  segmentKeys: string[],
  distributions: [variantKey: string, rollout: number][] = [],
  segmentOperator: SegmentOperator = SegmentOperator.SEGMENT_OPERATOR_OR,
): PartialRule {
  return {
    segmentKeys,
    segmentOperator,
    distributions: distributions.map(([variantKey, rollout]) => ({ variantKey, rollout })),
  };
}

export interface VariantFlagSpec {
  enabled?: boolean;
  variants?: (string | { key: string; attachment: string })[];
  defaultVariant?: string;
  rules?: PartialRule[];
}

export function variantFlag(key: string, spec: VariantFlagSpec = {}): PartialFlag {
  return {
    key,
    type: FlagType.FLAG_TYPE_VARIANT,
    enabled: spec.enabled ?? true,
    variants: (spec.variants ?? []).map((v) => (typeof v === 'string' ? { key: v } : v)),
    defaultVariant: spec.defaultVariant ?? '',
    rules: spec.rules ?? [],
  };
}

export function thresholdRollout(percentage: number, value: boolean): PartialRollout {
  return { kind: { $case: 'threshold', value: { percentage, value } } };
}

export function segmentRollout(
  segmentKeys: string[],
  value: boolean,
  segmentOperator: SegmentOperator = SegmentOperator.SEGMENT_OPERATOR_OR,
): PartialRollout {
  return { kind: { $case: 'segment', value: { segmentKeys, segmentOperator, value } } };
}

export function booleanFlag(key: string, enabled: boolean, rollouts: PartialRollout[] = []): PartialFlag {
  return { key, type: FlagType.FLAG_TYPE_BOOLEAN, enabled, rollouts };
}

export function ruleSet(
  flags: PartialFlag[],
  segments: PartialSegment[] = [],
  namespace = 'default',
): RuleSet {
  return RuleSet.fromPartial({ namespace, revision: 'test', flags, segments });
}

export function indexOf(
  flags: PartialFlag[],
  segments: PartialSegment[] = [],
  namespace = 'default',
): NamespaceIndex {
  return buildIndex(ruleSet(flags, segments, namespace));
}

export function request(
  flagKey: string,
  entityId: string,
  context: Record<string, string> = {},
): EvaluationInput {
  return { flagKey, entityId, context };
}
