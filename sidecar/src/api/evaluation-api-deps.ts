// What every evaluation API (gRPC, Flipt REST, OFREP, snapshot) is built from. main.ts fills this
// once and hands the same object to each transport.
import type { EvaluationMetrics } from '../observability/metrics.ts';
import type { RuleSetLookup } from '../store/lookup.ts';
import type { Authenticate, Authorize } from './auth-hooks.ts';
import type { Clock } from './clock.ts';
import type { Readiness } from './readiness.ts';
import type { EvaluationTracing } from './tracing/evaluation-tracing.ts';

/** The two log calls the APIs make (pino's Logger fits). */
export interface ApiLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EvaluationApiDeps {
  readonly lookup: RuleSetLookup;
  readonly readiness: Readiness;
  readonly clock: Clock;
  /** UUIDv4 for requests that arrive without a requestId (crypto.randomUUID in production). */
  readonly randomUUID: () => string;
  readonly authenticate: Authenticate;
  readonly authorize: Authorize;
  readonly metrics: EvaluationMetrics;
  readonly logger: ApiLogger;
  /** Request spans and feature_flag.* records; undefined when tracing is off (nothing is recorded). */
  readonly tracing?: EvaluationTracing | undefined;
}
