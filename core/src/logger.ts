// JSON logs for both binaries (pino): one line per event with level, time, msg and component.
// Credentials never reach a log line: every path that can carry one is redacted here, once.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { activeTraceFields } from './telemetry/trace-fields.ts';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'metadata.authorization',
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
