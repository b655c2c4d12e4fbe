// Flipt v1 evaluation over a NamespaceIndex (reference/flipt-semantics.md §2–§4), with the project's
// decided deviation on distributions summing to 100 (see bucket.ts). Rules and rollouts are in
// evaluation order: list position is Flipt's rank, so ranks can never be out of order.

import { VARIANT_BUCKETS, percentBucket, variantBucket } from './bucket.ts';
import { constraintMatches, type CompiledConstraint } from './match-constraint.ts';
import type { CompiledFlag, CompiledSegment, NamespaceIndex, SegmentGroup } from './namespace-index.ts';
import type {
  AnyOutcome,
  BooleanOutcome,
  BooleanResult,
  EvaluationError,
  EvaluationInput,
  VariantOutcome,
  VariantResult,
} from './outcome.ts';
import { booleanWithSegmentKeys, variantWithSegmentKeys } from './results.ts';

/** Evaluates a variant flag. Errors: NOT_FOUND, WRONG_TYPE (a boolean flag). */
export function evaluateVariant(index: NamespaceIndex, input: EvaluationInput): VariantOutcome {
  const flag = index.flag(input.flagKey);
  if (flag === undefined) return notFound(index, input.flagKey);
  if (flag.type !== 'variant') return flag.wrongTypeError;
  return variantOf(flag, input.context, input.entityId);
}

/** Evaluates a boolean flag. Errors: NOT_FOUND, WRONG_TYPE (a variant flag). */
export function evaluateBoolean(index: NamespaceIndex, input: EvaluationInput): BooleanOutcome {
  const flag = index.flag(input.flagKey);
  if (flag === undefined) return notFound(index, input.flagKey);
  if (flag.type !== 'boolean') return flag.wrongTypeError;
  return booleanOf(flag, input.context, input.entityId);
}

/** Evaluates a flag of either type, as its own type says (batch, OFREP). Error: NOT_FOUND. */
export function evaluateFlag(index: NamespaceIndex, input: EvaluationInput): AnyOutcome {
  const flag = index.flag(input.flagKey);
  if (flag === undefined) return notFound(index, input.flagKey);
  return flag.type === 'boolean'
    ? booleanOf(flag, input.context, input.entityId)
    : variantOf(flag, input.context, input.entityId);
}

function notFound(index: NamespaceIndex, flagKey: string): EvaluationError {
  return {
    kind: 'error',
    code: 'NOT_FOUND',
    flagKey,
    message: `flag "${index.namespace}/${flagKey}" not found`,
  };
}

function variantOf(
  flag: CompiledFlag,
  context: Readonly<Record<string, string>>,
  entityId: string,
): VariantResult {
  if (!flag.enabled) return flag.disabledResult;
  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule === undefined) break;
    const matched = countMatchedSegments(rule.group, context, entityId);
    if (matched < 0) continue;
    let result = rule.noDistributionResult;
    const thresholds = rule.thresholds;
    if (thresholds.length > 0) {
      if ((thresholds[0] as number) >= VARIANT_BUCKETS) {
        // The first distribution covers every bucket: no need to hash.
        result = rule.matchResults[0] as VariantResult;
      } else {
        // Flipt v1: when no distribution covers the bucket, evaluation ends here (the next rule is not tried).
        result = rule.uncoveredResult;
        const bucket = variantBucket(flag.keyState, entityId);
        for (let d = 0; d < thresholds.length; d++) {
          if (bucket < (thresholds[d] as number)) {
            result = rule.matchResults[d] as VariantResult;
            break;
          }
        }
      }
    }
    return matched === rule.group.segments.length
      ? result
      : variantWithSegmentKeys(result, matchedKeys(rule.group, context, entityId));
  }
  return flag.defaultResult;
}

// A disabled boolean flag still runs its rollouts (Flipt); `enabled` only shapes the default.
function booleanOf(
  flag: CompiledFlag,
  context: Readonly<Record<string, string>>,
  entityId: string,
): BooleanResult {
  const rollouts = flag.rollouts;
  let bucket = -1;
  for (let i = 0; i < rollouts.length; i++) {
    const rollout = rollouts[i];
    if (rollout === undefined) break;
    if (rollout.isThreshold) {
      if (bucket < 0) bucket = percentBucket(entityId, flag.key);
      if (bucket < rollout.percentage) return rollout.result;
      continue;
    }
    const matched = countMatchedSegments(rollout.group, context, entityId);
    if (matched < 0) continue;
    return matched === rollout.group.segments.length
      ? rollout.result
      : booleanWithSegmentKeys(rollout.result, matchedKeys(rollout.group, context, entityId));
  }
  return flag.defaultBooleanResult;
}

/**
 * How many of the group's segments match, or -1 if the group does not apply (OR: none matched;
 * AND: one did not). An empty group never applies under OR and always applies under AND.
 */
function countMatchedSegments(
  group: SegmentGroup,
  context: Readonly<Record<string, string>>,
  entityId: string,
): number {
  const segments = group.segments;
  let matched = 0;
  for (let i = 0; i < segments.length; i++) {
    if (segmentMatches(segments[i] as CompiledSegment, context, entityId)) matched++;
    else if (group.requireAll) return -1;
  }
  return matched > 0 || group.requireAll ? matched : -1;
}

// Only reached when some but not all OR segments matched: the one case whose segmentKeys are not fixed.
function matchedKeys(
  group: SegmentGroup,
  context: Readonly<Record<string, string>>,
  entityId: string,
): readonly string[] {
  const keys: string[] = [];
  for (const segment of group.segments) {
    if (segmentMatches(segment, context, entityId)) keys.push(segment.key);
  }
  return Object.freeze(keys);
}

// ALL: every constraint matches; ANY: at least one does. No constraints: matches either way.
function segmentMatches(
  segment: CompiledSegment,
  context: Readonly<Record<string, string>>,
  entityId: string,
): boolean {
  const constraints = segment.constraints;
  if (constraints.length === 0) return true;
  if (segment.matchAny) {
    for (let i = 0; i < constraints.length; i++) {
      if (constraintMatches(constraints[i] as CompiledConstraint, context, entityId)) return true;
    }
    return false;
  }
  for (let i = 0; i < constraints.length; i++) {
    if (!constraintMatches(constraints[i] as CompiledConstraint, context, entityId)) return false;
  }
  return true;
}
