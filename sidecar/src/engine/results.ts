// Result constructors. Every variant result and every boolean result is built here, so each kind
// keeps one object shape; results are frozen because precomputed ones are shared between requests.

import type { BooleanResult, EvaluationReason, VariantResult } from './outcome.ts';

/** A variant result's fields without the flag key: compiled shapes keep these (flag-shapes.ts). */
export interface VariantTemplate {
  readonly match: boolean;
  readonly reason: EvaluationReason;
  readonly variantKey: string;
  readonly variantAttachment: string;
  readonly segmentKeys: readonly string[];
}

/** A boolean result's fields without the flag key. */
export interface BooleanTemplate {
  readonly enabled: boolean;
  readonly reason: EvaluationReason;
  readonly segmentKeys: readonly string[];
}

/** Shared by every result without matched segments. */
export const NO_SEGMENT_KEYS: readonly string[] = Object.freeze([]);

/** A frozen variant result; every variant result has this one shape. */
export function variantResult(
  flagKey: string,
  match: boolean,
  reason: EvaluationReason,
  variantKey: string,
  variantAttachment: string,
  segmentKeys: readonly string[],
): VariantResult {
  return Object.freeze<VariantResult>({
    kind: 'variant',
    flagKey,
    match,
    reason,
    variantKey,
    variantAttachment,
    segmentKeys,
  });
}

/** A frozen boolean result; every boolean result has this one shape. */
export function booleanResult(
  flagKey: string,
  enabled: boolean,
  reason: EvaluationReason,
  segmentKeys: readonly string[],
): BooleanResult {
  return Object.freeze<BooleanResult>({ kind: 'boolean', flagKey, enabled, reason, segmentKeys });
}

/** The same variant result with other matched segment keys (a rule where only some OR segments matched). */
export function variantWithSegmentKeys(result: VariantResult, segmentKeys: readonly string[]): VariantResult {
  return variantResult(
    result.flagKey,
    result.match,
    result.reason,
    result.variantKey,
    result.variantAttachment,
    segmentKeys,
  );
}

/** The same boolean result with other matched segment keys. */
export function booleanWithSegmentKeys(result: BooleanResult, segmentKeys: readonly string[]): BooleanResult {
  return booleanResult(result.flagKey, result.enabled, result.reason, segmentKeys);
}
