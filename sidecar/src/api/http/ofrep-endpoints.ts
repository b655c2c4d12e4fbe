// OFREP over HTTP: single-flag evaluation (server providers) and bulk evaluation with ETag/304
// (client providers). The namespace comes from `x-flipt-namespace` (Flipt's OFREP convention),
// otherwise the sidecar's default namespace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { evaluateFlag } from '../../engine/evaluate.ts';
import type { CompiledFlag } from '../../engine/namespace-index.ts';
import { flagNotFound } from '../api-error.ts';
import type { ApiError } from '../api-error.ts';
import type { Principal } from '../auth-hooks.ts';
import { elapsedMillis } from '../clock.ts';
import { evaluateSafely } from '../evaluate-safely.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { namespaceName, resolveNamespace } from '../resolve-namespace.ts';
import { STATUS_TABLE } from '../status-table.ts';
import type { ServedNamespace } from '../../store/lookup.ts';
import { flagFailure, ofrepErrorType } from '../tracing/feature-flag-attributes.ts';
import type { FlagOutcome } from '../tracing/feature-flag-attributes.ts';
import type { EvaluationTracing } from '../tracing/evaluation-tracing.ts';
import type { Endpoint } from './endpoint.ts';
import {
  bulkEtag,
  ifNoneMatchHits,
  ofrepErrorOf,
  ofrepFailure,
  ofrepSuccess,
  parseOfrepRequest,
  targetingKeyMissing,
} from './ofrep-mapping.ts';
import type { OfrepError, OfrepRequest } from './ofrep-mapping.ts';
import { readBody } from './read-body.ts';
import { headerValue, sendJson, sendNotModified } from './responses.ts';

export const OFREP_NAMESPACE_HEADER = 'x-flipt-namespace';

function sendOfrepError(res: ServerResponse, error: OfrepError, key?: string): void {
  sendJson(res, STATUS_TABLE[error.kind].http, ofrepFailure(key, error), {
    headers: error.kind === 'PAYLOAD_TOO_LARGE' ? { connection: 'close' } : {},
  });
}

/** Flipt's bulk default: every boolean flag and every enabled variant flag. */
function bulkFlags(served: ServedNamespace, keys: readonly string[] | undefined): readonly string[] {
  if (keys !== undefined) return keys;
  return served.index.flags.filter((f: CompiledFlag) => f.type === 'boolean' || f.enabled).map((f) => f.key);
}

export function ofrepEndpoints(deps: EvaluationApiDeps, maxBodyBytes: number) {
  const { metrics } = deps;

  function fail(res: ServerResponse, error: OfrepError, key?: string): void {
    metrics.failed('ofrep', error.kind);
    sendOfrepError(res, error, key);
  }

  /** Body, namespace and rule set of a request, or why there are none. */
  async function prepare(
    req: IncomingMessage,
    principal: Principal,
    missing: (namespace: string) => ApiError,
  ): Promise<
    | { readonly ok: true; readonly request: OfrepRequest; readonly served: ServedNamespace }
    | { readonly ok: false; readonly error: OfrepError }
  > {
    const body = await readBody(req, maxBodyBytes);
    if (!body.ok) return { ok: false, error: ofrepErrorOf(body.error) };
    const parsed = parseOfrepRequest(body.value);
    if (!parsed.ok) return parsed;
    if (parsed.value.targetingKey === undefined) return { ok: false, error: targetingKeyMissing() };
    const namespace = namespaceName(deps, headerValue(req, OFREP_NAMESPACE_HEADER) ?? '');
    const served = resolveNamespace(deps, principal, namespace, missing);
    if (!served.ok) return { ok: false, error: ofrepErrorOf(served.error) };
    return { ok: true, request: parsed.value, served: served.value };
  }

  /** Tells the trace about one flag: the request's result (`item` false) or one flag of a bulk answer. */
  function traceFlag(
    tracing: EvaluationTracing,
    item: boolean,
    served: ServedNamespace,
    request: OfrepRequest,
    key: string,
    outcome: FlagOutcome,
  ): void {
    const record = {
      flagKey: key,
      namespace: served.namespace,
      contextId: request.targetingKey ?? '',
      revision: served.revision,
      outcome,
    };
    if (item) tracing.evaluatedItem(record);
    else tracing.evaluated(record);
  }

  /** A single-flag request that failed before its flag was evaluated, for the trace. */
  function traceRefusal(
    tracing: EvaluationTracing,
    req: IncomingMessage,
    key: string,
    error: OfrepError,
  ): void {
    tracing.evaluated({
      flagKey: key,
      namespace: namespaceName(deps, headerValue(req, OFREP_NAMESPACE_HEADER) ?? ''),
      contextId: '',
      outcome: { ok: false, errorType: ofrepErrorType(error), message: error.details },
    });
  }

  /** One flag's answer, success or failure, counted in the metrics (and traced when tracing is on). */
  function evaluateOne(served: ServedNamespace, request: OfrepRequest, key: string, item: boolean) {
    const outcome = evaluateSafely(
      evaluateFlag,
      served.index,
      { flagKey: key, entityId: request.targetingKey ?? '', context: request.context },
      deps.logger,
    );
    if (deps.tracing !== undefined)
      traceFlag(
        deps.tracing,
        item,
        served,
        request,
        key,
        outcome.ok ? { ok: true, result: outcome.value } : flagFailure(outcome.error),
      );
    if (!outcome.ok) {
      metrics.failed('ofrep', outcome.error.kind);
      return { ok: false as const, error: ofrepErrorOf(outcome.error) };
    }
    metrics.evaluated('ofrep', outcome.value.kind, outcome.value.reason, key);
    const flag = served.index.flag(key);
    return { ok: true as const, body: ofrepSuccess(outcome.value, flag?.metadata ?? {}) };
  }

  function timed<T>(body: () => Promise<T>): Promise<T> {
    const start = deps.clock.hrtime();
    return body().finally(() => {
      metrics.observeDuration('ofrep', elapsedMillis(start, deps.clock.hrtime()) / 1000);
    });
  }

  const single: Endpoint = {
    api: 'ofrep',
    method: 'POST',
    fail: (_req, res, error, key) => {
      sendOfrepError(res, ofrepErrorOf(error), key);
    },
    handle: (req, res, principal, key) =>
      timed(async () => {
        const ready = await prepare(req, principal, (ns) => flagNotFound(ns, key));
        if (!ready.ok) {
          if (deps.tracing !== undefined) traceRefusal(deps.tracing, req, key, ready.error);
          fail(res, ready.error, key);
          return;
        }
        const answer = evaluateOne(ready.served, ready.request, key, false);
        if (answer.ok) sendJson(res, 200, answer.body);
        else sendOfrepError(res, answer.error, key);
      }),
  };

  const bulk: Endpoint = {
    api: 'ofrep',
    method: 'POST',
    fail: (_req, res, error) => {
      sendOfrepError(res, ofrepErrorOf(error));
    },
    handle: (req, res, principal) =>
      timed(async () => {
        const ready = await prepare(req, principal, (ns) => ({
          kind: 'NOT_FOUND',
          message: `namespace "${ns}" not found`,
        }));
        if (!ready.ok) {
          fail(res, ready.error);
          return;
        }
        const { served, request } = ready;
        const etag = bulkEtag(served.namespace, served.revision, request.context);
        if (ifNoneMatchHits(headerValue(req, 'if-none-match'), etag)) {
          sendNotModified(res, { etag });
          return;
        }
        const flags = bulkFlags(served, request.flagKeys).map((key) => {
          const answer = evaluateOne(served, request, key, true);
          return answer.ok ? answer.body : ofrepFailure(key, answer.error);
        });
        sendJson(res, 200, { flags }, { headers: { etag } });
      }),
  };

  return { single, bulk };
}
