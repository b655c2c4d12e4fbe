// The engine's inputs and results as plain values. Transport layers (gRPC, HTTP, OFREP) translate
// these at the edge; nothing here knows a status code or a message shape.

/** Why an evaluation produced its value (Flipt's EvaluationReason, new API). */
export type EvaluationReason = 'UNKNOWN' | 'FLAG_DISABLED' | 'MATCH' | 'DEFAULT';

export interface EvaluationInput {
  readonly flagKey: string;
  readonly entityId: string;
  /** Missing keys read as "" (Flipt semantics). */
  readonly context: Readonly<Record<string, string>>;
}

export interface VariantResult {
  readonly kind: 'variant';
  readonly flagKey: string;
  readonly match: boolean;
  readonly reason: EvaluationReason;
  readonly variantKey: string;
  /** Compact JSON text, "" when the variant has no attachment. */
  readonly variantAttachment: string;
  /** Matched segments of the deciding rule, in declaration order. */
  readonly segmentKeys: readonly string[];
}

export interface BooleanResult {
  readonly kind: 'boolean';
  readonly flagKey: string;
  readonly enabled: boolean;
  readonly reason: EvaluationReason;
  readonly segmentKeys: readonly string[];
}

/** Domain failures. `NOT_FOUND`: no such flag. `WRONG_TYPE`: e.g. Variant asked of a Boolean flag. */
export type EvaluationErrorCode = 'NOT_FOUND' | 'WRONG_TYPE';

export interface EvaluationError {
  readonly kind: 'error';
  readonly code: EvaluationErrorCode;
  readonly flagKey: string;
  /** Flipt's exact message, e.g. `flag "default/x" not found`, `flag type BOOLEAN_FLAG_TYPE invalid`. */
  readonly message: string;
}

export type VariantOutcome = VariantResult | EvaluationError;
export type BooleanOutcome = BooleanResult | EvaluationError;
export type AnyOutcome = VariantResult | BooleanResult | EvaluationError;
