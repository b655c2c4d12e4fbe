// A unary handler inside a SERVER span: the caller's trace context comes from the call metadata
// (`traceparent`, `tracestate`, `baggage`), and the span ends with the status the handler answers.
import { status } from '@grpc/grpc-js';
import type { handleUnaryCall } from '@grpc/grpc-js';
import type { EvaluationTracing } from '../tracing/evaluation-tracing.ts';

export function tracedUnaryCall<Req, Res>(
  tracing: EvaluationTracing,
  method: string,
  handler: handleUnaryCall<Req, Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const span = tracing.startGrpc(method, (name) => {
      const value = call.metadata.get(name)[0];
      return typeof value === 'string' ? value : undefined;
    });
    let ended = false;
    const end = (code: number): void => {
      if (ended) return;
      ended = true;
      span.end(code);
    };
    span.run(() => {
      try {
        handler(call, (error, value, trailer, flags) => {
          end(error === null ? status.OK : (error.code ?? status.UNKNOWN));
          callback(error, value, trailer, flags);
        });
      } catch (error) {
        // grpc-js answers a throwing handler with UNKNOWN; the span must not stay open.
        end(status.UNKNOWN);
        throw error;
      }
    });
  };
}
