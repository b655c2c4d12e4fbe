// JSON logs for both binaries (pino): one line per event with level, time, msg and component.
// Credentials never reach a log line: every path that can carry one is redacted here, once.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { activeTraceFields } from './telemetry/trace-fields.ts';

export type { Logger } from 'pino';

// Explicit paths (wildcards cost more per line); never built from input. `*` is one level deep.
export const REDACTED_PATHS = [
  // Bearer tokens: ours, service-account tokens, TokenReview bodies (spec.token).
  'token',
  '*.token',
  '*.spec.token',
  // HTTP headers (Node lower-cases them; fetch-style objects may not) and gRPC metadata.
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'metadata.authorization',
  '*.metadata.authorization',
  // Private keys of the operator's CA and serving certificates (not a bare `key`: flag keys).
  'tls.key',
  '*.tls.key',
  'caKey',
  '*.caKey',
  'privateKey',
  '*.privateKey',
];

export function createLogger(component: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      // trace_id/span_id of the span this line was logged in (nothing when tracing is off).
      mixin: activeTraceFields,
    },
    destination ?? pino.destination({ sync: false }),
  );
}
