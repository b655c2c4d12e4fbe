// Flipt's EvaluationService (Boolean, Variant, Batch) as transport-free functions: a decoded request
// in, a response message or an API error out. The gRPC server sends these messages as protobuf and
// the REST gateway as JSON; both therefore stamp request ids, timestamps and durations identically.
//
// Batch follows Flipt v2 (our decided deviation from v1): every per-item failure becomes an ERROR
// item — NOT_FOUND with reason NOT_FOUND, anything else with reason UNKNOWN — and the batch as a
// whole never fails because of one item.
import {
  ErrorEvaluationReason,
  EvaluationReason,
  EvaluationResponseType,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type {
  BatchEvaluationRequest,
  BatchEvaluationResponse,
  BooleanEvaluationResponse,
  EvaluationRequest,
  EvaluationResponse,
  VariantEvaluationResponse,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';
import { evaluateBoolean, evaluateFlag, evaluateVariant } from '../engine/evaluate.ts';
import type { NamespaceIndex } from '../engine/namespace-index.ts';
import type {
  AnyOutcome,
  BooleanResult,
  EvaluationError,
  EvaluationInput,
  EvaluationReason as DomainReason,
  VariantResult,
} from '../engine/outcome.ts';
import type { ApiName } from '../observability/metrics.ts';
import { flagNotFound } from './api-error.ts';
import type { ApiResult } from './api-error.ts';
import type { Principal } from './auth-hooks.ts';
import { elapsedMillis } from './clock.ts';
import { evaluateSafely } from './evaluate-safely.ts';
import type { EvaluationApiDeps } from './evaluation-api-deps.ts';
import { namespaceName, resolveNamespace } from './resolve-namespace.ts';
import { flagFailure } from './tracing/feature-flag-attributes.ts';
import type { FlagEvaluationRecord, FlagOutcome } from './tracing/feature-flag-attributes.ts';

export interface FliptEvaluator {
  boolean(request: EvaluationRequest, principal: Principal): ApiResult<BooleanEvaluationResponse>;
  variant(request: EvaluationRequest, principal: Principal): ApiResult<VariantEvaluationResponse>;
  /** Never fails: per-item failures are ERROR items. */
  batch(request: BatchEvaluationRequest, principal: Principal): BatchEvaluationResponse;
}

const REASONS: Readonly<Record<DomainReason, EvaluationReason>> = {
  UNKNOWN: EvaluationReason.UNKNOWN_EVALUATION_REASON,
  FLAG_DISABLED: EvaluationReason.FLAG_DISABLED_EVALUATION_REASON,
  MATCH: EvaluationReason.MATCH_EVALUATION_REASON,
  DEFAULT: EvaluationReason.DEFAULT_EVALUATION_REASON,
};

/** Placeholder for batch items until the batch's own end time is known (never sent). */
const UNSTAMPED = new Date(0);

// The engine's results are frozen and shared; the wire types merely say string[].
function wireKeys(keys: readonly string[]): string[] {
  return keys as string[];
}

function booleanResponse(
  r: BooleanResult,
  requestId: string,
  ms: number,
  timestamp: Date,
): BooleanEvaluationResponse {
  return {
    enabled: r.enabled,
    reason: REASONS[r.reason],
    requestId,
    requestDurationMillis: ms,
    timestamp,
    flagKey: r.flagKey,
    segmentKeys: wireKeys(r.segmentKeys),
  };
}

function variantResponse(
  r: VariantResult,
  requestId: string,
  ms: number,
  timestamp: Date,
): VariantEvaluationResponse {
  return {
    match: r.match,
    segmentKeys: wireKeys(r.segmentKeys),
    reason: REASONS[r.reason],
    variantKey: r.variantKey,
    variantAttachment: r.variantAttachment,
    requestId,
    requestDurationMillis: ms,
    timestamp,
    flagKey: r.flagKey,
  };
}

export function createFliptEvaluator(deps: EvaluationApiDeps, api: ApiName): FliptEvaluator {
  const { clock, metrics } = deps;

  function evaluateOne<T extends AnyOutcome>(
    evaluate: (index: NamespaceIndex, input: EvaluationInput) => T,
    request: EvaluationRequest,
    principal: Principal,
  ) {
    const namespace = namespaceName(deps, request.namespaceKey);
    const served = resolveNamespace(deps, principal, namespace, (ns) => flagNotFound(ns, request.flagKey));
    if (!served.ok) return served;
    return evaluateSafely(evaluate, served.value.index, request, deps.logger);
  }

  /** One flag for the trace; only built when tracing is on (the `tracing?.` calls skip it otherwise). */
  function flagRecord(request: EvaluationRequest, outcome: FlagOutcome): FlagEvaluationRecord {
    const namespace = namespaceName(deps, request.namespaceKey);
    const revision = outcome.ok ? deps.lookup.get(namespace)?.revision : undefined;
    return { flagKey: request.flagKey, namespace, contextId: request.entityId, revision, outcome };
  }

  /** Runs `body` and measures it the way Flipt does: elapsed ms around it, timestamp at its end. */
  function measure<T>(body: () => T): { readonly value: T; readonly ms: number; readonly timestamp: Date } {
    const start = clock.hrtime();
    const value = body();
    const ms = elapsedMillis(start, clock.hrtime());
    metrics.observeDuration(api, ms / 1000);
    return { value, ms, timestamp: new Date(clock.now()) };
  }

  function single<R extends BooleanResult | VariantResult, M>(
    evaluate: (index: NamespaceIndex, input: EvaluationInput) => R | EvaluationError,
    request: EvaluationRequest,
    principal: Principal,
    respond: (result: R, requestId: string, ms: number, timestamp: Date) => M,
  ): ApiResult<M> {
    const requestId = request.requestId === '' ? deps.randomUUID() : request.requestId;
    const { value: outcome, ms, timestamp } = measure(() => evaluateOne(evaluate, request, principal));
    if (!outcome.ok) {
      metrics.failed(api, outcome.error.kind);
      deps.tracing?.evaluated(flagRecord(request, flagFailure(outcome.error)));
      return outcome;
    }
    metrics.evaluated(api, outcome.value.kind, outcome.value.reason, outcome.value.flagKey);
    deps.tracing?.evaluated(flagRecord(request, { ok: true, result: outcome.value }));
    return { ok: true, value: respond(outcome.value, requestId, ms, timestamp) };
  }

  function batchItem(request: EvaluationRequest, principal: Principal): EvaluationResponse {
    const outcome = evaluateOne(evaluateFlag, request, principal);
    if (!outcome.ok) {
      metrics.failed(api, outcome.error.kind);
      deps.tracing?.evaluatedItem(flagRecord(request, flagFailure(outcome.error)));
      const reason =
        outcome.error.kind === 'NOT_FOUND'
          ? ErrorEvaluationReason.NOT_FOUND_ERROR_EVALUATION_REASON
          : ErrorEvaluationReason.UNKNOWN_ERROR_EVALUATION_REASON;
      return {
        type: EvaluationResponseType.ERROR_EVALUATION_RESPONSE_TYPE,
        // Flipt echoes the raw request value, so an empty namespaceKey stays "".
        response: {
          $case: 'errorResponse',
          value: { flagKey: request.flagKey, namespaceKey: request.namespaceKey, reason },
        },
      };
    }
    const result = outcome.value;
    metrics.evaluated(api, result.kind, result.reason, result.flagKey);
    deps.tracing?.evaluatedItem(flagRecord(request, { ok: true, result }));
    // Duration and timestamp are the batch's, filled in once the whole batch has run.
    return result.kind === 'boolean'
      ? {
          type: EvaluationResponseType.BOOLEAN_EVALUATION_RESPONSE_TYPE,
          response: {
            $case: 'booleanResponse',
            value: booleanResponse(result, request.requestId, 0, UNSTAMPED),
          },
        }
      : {
          type: EvaluationResponseType.VARIANT_EVALUATION_RESPONSE_TYPE,
          response: {
            $case: 'variantResponse',
            value: variantResponse(result, request.requestId, 0, UNSTAMPED),
          },
        };
  }

  return {
    boolean: (request, principal) => single(evaluateBoolean, request, principal, booleanResponse),
    variant: (request, principal) => single(evaluateVariant, request, principal, variantResponse),
    batch(request, principal) {
      const requestId = request.requestId === '' ? deps.randomUUID() : request.requestId;
      const {
        value: responses,
        ms,
        timestamp,
      } = measure(() => request.requests.map((item) => batchItem(item, principal)));
      for (const item of responses) {
        if (item.response?.$case === 'booleanResponse' || item.response?.$case === 'variantResponse') {
          item.response.value.requestDurationMillis = ms;
          item.response.value.timestamp = timestamp;
        }
      }
      return { requestId, responses, requestDurationMillis: ms };
    },
  };
}
