// trace_id and span_id of the active span, for log lines (pino mixin). Without an active span, or
// with tracing off, a log line gets no extra fields. Always a fresh object: pino merges the line's
// own fields into it.
import { context, isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceFields {
  readonly trace_id?: string;
  readonly span_id?: string;
}

export function activeTraceFields(): TraceFields {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
