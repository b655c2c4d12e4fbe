// Flipt's gateway JSON for evaluation responses: protojson with default values emitted — lowerCamel
// field names in field-number order, enums by name, empty lists and zero scalars present, unset
// messages and unset oneof members left out, Timestamps as RFC 3339 UTC strings.
import {
  ErrorEvaluationReason,
  EvaluationReason,
  EvaluationResponseType,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type {
  BatchEvaluationResponse,
  BooleanEvaluationResponse,
  ErrorEvaluationResponse,
  EvaluationResponse,
  VariantEvaluationResponse,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';

function enumNames(values: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  return new Map(Object.entries(values).map(([name, value]) => [value, name]));
}

const REASON_NAMES = enumNames(EvaluationReason);
const ERROR_REASON_NAMES = enumNames(ErrorEvaluationReason);
const RESPONSE_TYPE_NAMES = enumNames(EvaluationResponseType);

/** protojson prints an enum value it has no name for as its number. */
function enumJson(names: ReadonlyMap<number, string>, value: number): string | number {
  return names.get(value) ?? value;
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as protojson prints a Timestamp. */
export function timestampJson(date: Date): string {
  const iso = date.toISOString();
  // toISOString always prints milliseconds; protojson drops an all-zero fraction.
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

type Json = Record<string, unknown>;

export function booleanResponseJson(r: BooleanEvaluationResponse): Json {
  return {
    enabled: r.enabled,
    reason: enumJson(REASON_NAMES, r.reason),
    requestId: r.requestId,
    requestDurationMillis: r.requestDurationMillis,
    ...(r.timestamp === undefined ? {} : { timestamp: timestampJson(r.timestamp) }),
    flagKey: r.flagKey,
    segmentKeys: r.segmentKeys,
  };
}

export function variantResponseJson(r: VariantEvaluationResponse): Json {
  return {
    match: r.match,
    segmentKeys: r.segmentKeys,
    reason: enumJson(REASON_NAMES, r.reason),
    variantKey: r.variantKey,
    variantAttachment: r.variantAttachment,
    requestId: r.requestId,
    requestDurationMillis: r.requestDurationMillis,
    ...(r.timestamp === undefined ? {} : { timestamp: timestampJson(r.timestamp) }),
    flagKey: r.flagKey,
  };
}

export function errorResponseJson(r: ErrorEvaluationResponse): Json {
  return {
    flagKey: r.flagKey,
    namespaceKey: r.namespaceKey,
    reason: enumJson(ERROR_REASON_NAMES, r.reason),
  };
}

export function evaluationResponseJson(r: EvaluationResponse): Json {
  const type = enumJson(RESPONSE_TYPE_NAMES, r.type);
  switch (r.response?.$case) {
    case 'booleanResponse':
      return { type, booleanResponse: booleanResponseJson(r.response.value) };
    case 'variantResponse':
      return { type, variantResponse: variantResponseJson(r.response.value) };
    case 'errorResponse':
      return { type, errorResponse: errorResponseJson(r.response.value) };
    case undefined:
      return { type };
  }
}

export function batchResponseJson(r: BatchEvaluationResponse): Json {
  return {
    requestId: r.requestId,
    responses: r.responses.map(evaluationResponseJson),
    requestDurationMillis: r.requestDurationMillis,
  };
}

/** grpc-gateway's error body (google.rpc.Status as JSON). */
export function statusJson(code: number, message: string): Json {
  return { code, message, details: [] };
}
