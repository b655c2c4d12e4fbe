// Evaluation results as OpenTelemetry feature-flag attributes (semantic conventions, release
// candidate): the same names whether they end up on a request span or on a per-flag event.
import { status } from '@grpc/grpc-js';
import type { Attributes } from '@opentelemetry/api';
import type { BooleanResult, EvaluationReason, VariantResult } from '../../engine/outcome.ts';
import type { ApiError } from '../api-error.ts';
import type { OfrepError } from '../http/ofrep-mapping.ts';
import type { OutcomeKind } from '../status-table.ts';

export const PROVIDER_NAME = 'ensign';

/** The OTel `feature_flag.result.reason` value of each Flipt reason. */
export const RESULT_REASONS: Readonly<Record<EvaluationReason, string>> = {
  MATCH: 'targeting_match',
  DEFAULT: 'default',
  FLAG_DISABLED: 'disabled',
  UNKNOWN: 'unknown',
};

/** OTel's `error.type` values for a flag evaluation that failed. */
export type FlagErrorType =
  | 'flag_not_found'
  | 'type_mismatch'
  | 'parse_error'
  | 'invalid_context'
  | 'targeting_key_missing'
  | 'provider_not_ready'
  | 'general';

const ERROR_TYPES: Readonly<Record<OutcomeKind, FlagErrorType>> = {
  NOT_FOUND: 'flag_not_found',
  WRONG_TYPE: 'type_mismatch',
  INVALID_REQUEST: 'parse_error',
  // The sidecar has not received the namespace's rule set yet.
  UNAVAILABLE: 'provider_not_ready',
  UNAUTHENTICATED: 'general',
  PERMISSION_DENIED: 'general',
  INTERNAL: 'general',
  ROUTE_NOT_FOUND: 'general',
  METHOD_NOT_ALLOWED: 'general',
  PAYLOAD_TOO_LARGE: 'general',
};

export function flagErrorType(kind: OutcomeKind): FlagErrorType {
  return ERROR_TYPES[kind];
}

/** OFREP's error codes name the problem more precisely than the outcome kind, except GENERAL. */
export function ofrepErrorType(error: OfrepError): FlagErrorType {
  switch (error.errorCode) {
    case 'PARSE_ERROR':
      return 'parse_error';
    case 'TARGETING_KEY_MISSING':
      return 'targeting_key_missing';
    case 'INVALID_CONTEXT':
      return 'invalid_context';
    case 'FLAG_NOT_FOUND':
      return 'flag_not_found';
    case 'GENERAL':
      return flagErrorType(error.kind);
  }
}

export type FlagOutcome =
  | { readonly ok: true; readonly result: BooleanResult | VariantResult }
  | { readonly ok: false; readonly errorType: FlagErrorType; readonly message: string };

export function flagFailure(error: ApiError): FlagOutcome {
  return { ok: false, errorType: flagErrorType(error.kind), message: error.message };
}

/** One flag evaluation as the API layer saw it. */
export interface FlagEvaluationRecord {
  readonly flagKey: string;
  /** The namespace asked for: the flag set. */
  readonly namespace: string;
  /** Entity id (Flipt) or targeting key (OFREP): often a user id. */
  readonly contextId: string;
  /** Rule-set revision that answered, when one did. */
  readonly revision?: string | undefined;
  readonly outcome: FlagOutcome;
}

export function evaluationAttributes(record: FlagEvaluationRecord, recordContextId: boolean): Attributes {
  const attributes: Attributes = {
    'feature_flag.key': record.flagKey,
    'feature_flag.provider.name': PROVIDER_NAME,
    'feature_flag.set.id': record.namespace,
  };
  if (record.revision !== undefined) attributes['feature_flag.version'] = record.revision;
  if (recordContextId && record.contextId !== '') attributes['feature_flag.context.id'] = record.contextId;
  const { outcome } = record;
  if (!outcome.ok) {
    attributes['feature_flag.result.reason'] = 'error';
    attributes['error.type'] = outcome.errorType;
    attributes['feature_flag.error.message'] = outcome.message;
    return attributes;
  }
  const { result } = outcome;
  attributes['feature_flag.result.reason'] = RESULT_REASONS[result.reason];
  // A boolean flag has no variant, so its value is the result; a variant flag's result is its variant.
  if (result.kind === 'boolean') attributes['feature_flag.result.value'] = result.enabled;
  else if (result.variantKey !== '') attributes['feature_flag.result.variant'] = result.variantKey;
  return attributes;
}

/** gRPC codes that mean the server failed (OTel's gRPC conventions); the others are the caller's doing. */
const GRPC_SERVER_ERRORS: ReadonlySet<number> = new Set<number>([
  status.UNKNOWN,
  status.DEADLINE_EXCEEDED,
  status.UNIMPLEMENTED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

export function isGrpcServerError(code: number): boolean {
  return GRPC_SERVER_ERRORS.has(code);
}

/** OK, NOT_FOUND, …: the name OTel's `rpc.status_code` wants. */
export function grpcStatusName(code: number): string {
  // The enum's reverse mapping has no entry for a code grpc-js does not know.
  return status[code] ?? String(code);
}
