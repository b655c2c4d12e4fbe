// API failures as plain values. Handlers return them; only the transport edges turn them into a
// gRPC status or an HTTP response, through the status table.
import type { EvaluationError } from '../engine/outcome.ts';
import type { OutcomeKind } from './status-table.ts';

export interface ApiError {
  readonly kind: OutcomeKind;
  readonly message: string;
}

export type ApiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail<T>(kind: OutcomeKind, message: string): ApiResult<T> {
  return { ok: false, error: { kind, message } };
}

/** Flipt's message for a flag (or the namespace holding it) that does not exist. */
export function flagNotFound(namespace: string, flagKey: string): ApiError {
  return { kind: 'NOT_FOUND', message: `flag "${namespace}/${flagKey}" not found` };
}

export function fromEngineError(error: EvaluationError): ApiError {
  return { kind: error.code, message: error.message };
}
