// Flipt v1 evaluation over a NamespaceIndex (reference/flipt-semantics.md §2–§4), with the project's
// decided deviation on distributions summing to 100 (see bucket.ts). Rules and rollouts are in
// evaluation order: list position is Flipt's rank, so ranks can never be out of order.

import { VARIANT_BUCKETS, percentBucket, variantBucket } from './bucket.ts';
import { booleanResultsOf, variantResultsOf } from './flag-shapes.ts';
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
  if (flag.type !== 'variant') return wrongType(flag);
  return variantOf(flag, input.context, input.entityId);
}

/** Evaluates a boolean flag. Errors: NOT_FOUND, WRONG_TYPE (a variant flag). */
export function evaluateBoolean(index: NamespaceIndex, input: EvaluationInput): BooleanOutcome {
  const flag = index.flag(input.flagKey);
  if (flag === undefined) return notFound(index, input.flagKey);
  if (flag.type !== 'boolean') return wrongType(flag);
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

// Built when returned, not per flag at load: an error path may allocate.
function wrongType(flag: CompiledFlag): EvaluationError {
  return {
    kind: 'error',
    code: 'WRONG_TYPE',
    flagKey: flag.key,
    message: `flag type ${flag.type === 'boolean' ? 'BOOLEAN_FLAG_TYPE' : 'VARIANT_FLAG_TYPE'} invalid`,
  };
}

function variantOf(
  flag: CompiledFlag,
  context: Readonly<Record<string, string>>,
  entityId: string,
): VariantResult {
  let results = flag.variantResults;
  if (results.length === 0) results = variantResultsOf(flag);
  if (!flag.enabled) return results[0] as VariantResult;
  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule === undefined) break;
    const matched = countMatchedSegments(rule.group, context, entityId);
    if (matched < 0) continue;
    // The answer is the first distribution whose bound exceeds the bucket; past the last one, the
    // rule's fallback (no distributions: MATCH with the default; uncovered buckets: no match, and
    // Flipt v1 does not try the next rule).
    const thresholds = rule.thresholds;
    let d = 0;
    // A first distribution covering every bucket needs no hash.
    if (thresholds.length > 0 && (thresholds[0] as number) < VARIANT_BUCKETS) {
      const bucket = variantBucket(flag.keyState, entityId);
      while (d < thresholds.length && bucket >= (thresholds[d] as number)) d++;
    }
    const result = results[rule.firstResult + d] as VariantResult;
    return matched === rule.group.segments.length
      ? result
      : variantWithSegmentKeys(result, matchedKeys(rule.group, context, entityId));
  }
  return results[0] as VariantResult;
}

// A disabled boolean flag still runs its rollouts (Flipt); `enabled` only shapes the default.
function booleanOf(
  flag: CompiledFlag,
  context: Readonly<Record<string, string>>,
  entityId: string,
): BooleanResult {
  const rollouts = flag.rollouts;
  let results = flag.booleanResults;
  if (results.length === 0) results = booleanResultsOf(flag);
  let bucket = -1;
  for (let i = 0; i < rollouts.length; i++) {
    const rollout = rollouts[i];
    if (rollout === undefined) break;
    if (rollout.isThreshold) {
      if (bucket < 0) bucket = percentBucket(entityId, flag.key);
      if (bucket < rollout.percentage) return results[i + 1] as BooleanResult;
      continue;
    }
    const matched = countMatchedSegments(rollout.group, context, entityId);
    if (matched < 0) continue;
    const result = results[i + 1] as BooleanResult;
    return matched === rollout.group.segments.length
      ? result
      : booleanWithSegmentKeys(result, matchedKeys(rollout.group, context, entityId));
  }
  return results[0] as BooleanResult;
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
