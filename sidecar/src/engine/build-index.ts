// RuleSet → NamespaceIndex. Everything that does not depend on the request is decided here, once:
// segment references resolved, constraints compiled, bucket thresholds and the flag-key hash state
// computed, fixed results built. An inconsistent rule set throws (the caller keeps its last good index).

import {
  FlagType,
  MatchType,
  SegmentOperator,
  type Flag,
  type Rollout,
  type Rule,
  type RuleSet,
  type Segment,
  type Variant,
} from '@ensign/proto/ensign/sync/v1/sync.ts';
import { distributionThresholds } from './bucket.ts';
import { CRC32_INIT, crc32Update } from './crc32.ts';
import { compileConstraint } from './match-constraint.ts';
import {
  NamespaceIndex,
  type CompiledFlag,
  type CompiledRollout,
  type CompiledRule,
  type CompiledSegment,
  type SegmentGroup,
} from './namespace-index.ts';
import type { EvaluationError, EvaluationReason } from './outcome.ts';
import { NO_SEGMENT_KEYS, booleanResult, variantResult } from './results.ts';

const NO_VARIANT: Variant = { key: '', name: '', description: '', attachment: '' };

/** Builds the evaluation index of a rule set; throws an Error naming the flag or segment if it is inconsistent. */
export function buildIndex(ruleSet: RuleSet): NamespaceIndex {
  const where = `rule set of namespace "${ruleSet.namespace}"`;
  const segments = new Map<string, CompiledSegment>();
  for (const segment of ruleSet.segments) {
    if (segments.has(segment.key)) throw new Error(`${where}: segment "${segment.key}" appears twice`);
    segments.set(segment.key, compileSegment(segment, `${where}: segment "${segment.key}"`));
  }
  const flags: CompiledFlag[] = [];
  const seen = new Set<string>();
  for (const flag of ruleSet.flags) {
    if (seen.has(flag.key)) throw new Error(`${where}: flag "${flag.key}" appears twice`);
    seen.add(flag.key);
    flags.push(compileFlag(flag, segments, `${where}: flag "${flag.key}"`));
  }
  return new NamespaceIndex(ruleSet, flags);
}

function compileSegment(segment: Segment, where: string): CompiledSegment {
  if (segment.matchType !== MatchType.MATCH_TYPE_ALL && segment.matchType !== MatchType.MATCH_TYPE_ANY) {
    throw new Error(`${where} has unknown match type ${segment.matchType}`);
  }
  return {
    key: segment.key,
    matchAny: segment.matchType === MatchType.MATCH_TYPE_ANY,
    constraints: segment.constraints.map((c, i) => compileConstraint(c, `${where} constraint ${i + 1}`)),
  };
}

function compileGroup(
  keys: readonly string[],
  operator: SegmentOperator,
  segments: ReadonlyMap<string, CompiledSegment>,
  where: string,
): SegmentGroup {
  if (operator !== SegmentOperator.SEGMENT_OPERATOR_OR && operator !== SegmentOperator.SEGMENT_OPERATOR_AND) {
    throw new Error(`${where} has unknown segment operator ${operator}`);
  }
  return {
    segments: keys.map((key) => {
      const segment = segments.get(key);
      if (segment === undefined) throw new Error(`${where} references unknown segment "${key}"`);
      return segment;
    }),
    requireAll: operator === SegmentOperator.SEGMENT_OPERATOR_AND,
    allKeys: keys.length === 0 ? NO_SEGMENT_KEYS : Object.freeze([...keys]),
  };
}

function compileFlag(
  flag: Flag,
  segments: ReadonlyMap<string, CompiledSegment>,
  where: string,
): CompiledFlag {
  if (flag.type !== FlagType.FLAG_TYPE_VARIANT && flag.type !== FlagType.FLAG_TYPE_BOOLEAN) {
    throw new Error(`${where} has unknown flag type ${flag.type}`);
  }
  const isBoolean = flag.type === FlagType.FLAG_TYPE_BOOLEAN;
  const variants = new Map<string, Variant>();
  for (const variant of flag.variants) {
    if (variants.has(variant.key)) throw new Error(`${where}: variant "${variant.key}" appears twice`);
    variants.set(variant.key, variant);
  }
  const defaultVariant = flag.defaultVariant === '' ? undefined : variants.get(flag.defaultVariant);
  if (flag.defaultVariant !== '' && defaultVariant === undefined) {
    throw new Error(`${where}: default variant "${flag.defaultVariant}" is not one of its variants`);
  }
  const base = defaultVariant ?? NO_VARIANT;
  const baseReason: EvaluationReason = defaultVariant ? 'DEFAULT' : 'UNKNOWN';
  const result = (match: boolean, reason: EvaluationReason, variant: Variant, keys: readonly string[]) =>
    variantResult(flag.key, match, reason, variant.key, variant.attachment, keys);

  const rules = isBoolean
    ? []
    : flag.rules.map((rule, i): CompiledRule => {
        const ruleWhere = `${where} rule ${i + 1}`;
        const group = compileGroup(rule.segmentKeys, rule.segmentOperator, segments, ruleWhere);
        const positive = positiveDistributions(rule, variants, ruleWhere);
        return {
          group,
          thresholds: distributionThresholds(positive.map((d) => d.rollout)),
          matchResults: positive.map((d) => result(true, 'MATCH', d.variant, group.allKeys)),
          noDistributionResult: result(true, 'MATCH', base, group.allKeys),
          uncoveredResult: result(false, baseReason, base, group.allKeys),
        };
      });
  const rollouts = isBoolean ? compileRollouts(flag, segments, where) : [];
  return {
    key: flag.key,
    type: isBoolean ? 'boolean' : 'variant',
    enabled: flag.enabled,
    metadata: Object.freeze({ ...flag.metadata }),
    keyState: crc32Update(CRC32_INIT, flag.key),
    rules,
    rollouts,
    disabledResult: result(false, 'FLAG_DISABLED', base, NO_SEGMENT_KEYS),
    defaultResult: result(false, baseReason, base, NO_SEGMENT_KEYS),
    defaultBooleanResult: booleanResult(flag.key, flag.enabled, 'DEFAULT', NO_SEGMENT_KEYS),
    wrongTypeError: Object.freeze<EvaluationError>({
      kind: 'error',
      code: 'WRONG_TYPE',
      flagKey: flag.key,
      message: `flag type ${isBoolean ? 'BOOLEAN_FLAG_TYPE' : 'VARIANT_FLAG_TYPE'} invalid`,
    }),
  };
}

interface PositiveDistribution {
  readonly variant: Variant;
  readonly rollout: number;
}

// Flipt drops distributions whose float32 rollout is not above 0 before bucketing.
function positiveDistributions(
  rule: Rule,
  variants: ReadonlyMap<string, Variant>,
  where: string,
): PositiveDistribution[] {
  const positive: PositiveDistribution[] = [];
  rule.distributions.forEach((d, i) => {
    const variant = variants.get(d.variantKey);
    if (variant === undefined) {
      throw new Error(`${where} distribution ${i + 1} names unknown variant "${d.variantKey}"`);
    }
    if (Math.fround(d.rollout) > 0) positive.push({ variant, rollout: d.rollout });
  });
  return positive;
}

const THRESHOLD_GROUP: SegmentGroup = { segments: [], requireAll: true, allKeys: NO_SEGMENT_KEYS };

// Flipt decides a rollout by the payload it carries (threshold first) and skips one with neither.
function compileRollouts(
  flag: Flag,
  segments: ReadonlyMap<string, CompiledSegment>,
  where: string,
): CompiledRollout[] {
  const compiled: CompiledRollout[] = [];
  flag.rollouts.forEach((rollout: Rollout, i) => {
    const kind = rollout.kind;
    if (kind?.$case === 'threshold') {
      compiled.push({
        isThreshold: true,
        percentage: Math.fround(kind.value.percentage),
        group: THRESHOLD_GROUP,
        result: booleanResult(flag.key, kind.value.value, 'MATCH', NO_SEGMENT_KEYS),
      });
    } else if (kind?.$case === 'segment') {
      const group = compileGroup(
        kind.value.segmentKeys,
        kind.value.segmentOperator,
        segments,
        `${where} rollout ${i + 1}`,
      );
      compiled.push({
        isThreshold: false,
        percentage: 0,
        group,
        result: booleanResult(flag.key, kind.value.value, 'MATCH', group.allKeys),
      });
    }
  });
  return compiled;
}
