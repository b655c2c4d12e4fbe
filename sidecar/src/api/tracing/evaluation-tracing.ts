// Spans of the evaluation APIs: one SERVER span per request, continued from the caller's W3C trace
// context (gRPC metadata or HTTP headers), named after OTel's RPC and HTTP conventions. A single
// evaluation puts its feature_flag.* attributes on that span; each flag of a batch or OFREP bulk
// request adds a `feature_flag.evaluation` event. The engine stays I/O-free: all of this happens in
// the API layer, and only when tracing is on (EvaluationApiDeps.tracing is undefined otherwise).
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api';
import { ENSIGN_VERSION } from '@ensign/core/telemetry/ensign-version.ts';
import { evaluationAttributes, grpcStatusName, isGrpcServerError } from './feature-flag-attributes.ts';
import type { FlagEvaluationRecord } from './feature-flag-attributes.ts';

/** First value of a request header / metadata key, by lower-case name. */
export type HeaderLookup = (name: string) => string | undefined;

export interface RequestSpan {
  /** Runs `work` with the span active: evaluation records, log lines and async continuations see it. */
  run<T>(work: () => T): T;
}

export interface GrpcRequestSpan extends RequestSpan {
  /** The gRPC status code the call ended with. */
  end(code: number): void;
}

export interface HttpRequestSpan extends RequestSpan {
  /** `completed` false: the connection closed before the response was sent. */
  end(statusCode: number, completed: boolean): void;
}

export interface EvaluationTracing {
  /** `method`: fully qualified, `flipt.evaluation.EvaluationService/Boolean`. */
  startGrpc(method: string, header: HeaderLookup): GrpcRequestSpan;
  /** `route`: the matched route template, undefined when no route matched. */
  startHttp(method: string, route: string | undefined, path: string, header: HeaderLookup): HttpRequestSpan;
  /** A single-flag request's result, as attributes of the active request span. */
  evaluated(record: FlagEvaluationRecord): void;
  /** One flag of a batch or bulk request, as a `feature_flag.evaluation` event on the active span. */
  evaluatedItem(record: FlagEvaluationRecord): void;
}

export interface EvaluationTracingOptions {
  /** Record `feature_flag.context.id` (the entity id / targeting key, often a user id). */
  readonly recordContextId: boolean;
  /** Defaults to the global tracer provider's `ensign-sidecar` tracer. */
  readonly tracer?: Tracer;
}

export const FEATURE_FLAG_EVALUATION_EVENT = 'feature_flag.evaluation';

const headerGetter: TextMapGetter<HeaderLookup> = {
  get: (lookup, key) => lookup(key),
  // Only the W3C propagators run here, and they ask for their headers by name.
  keys: () => [],
};

const HTTP_METHODS: ReadonlySet<string> = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

function activate(parent: Context, span: Span): <T>(work: () => T) => T {
  const active = trace.setSpan(parent, span);
  return (work) => context.with(active, work);
}

export function createEvaluationTracing(options: EvaluationTracingOptions): EvaluationTracing {
  const tracer = options.tracer ?? trace.getTracer('ensign-sidecar', ENSIGN_VERSION);
  const { recordContextId } = options;

  function startServer(name: string, attributes: Attributes, header: HeaderLookup) {
    const parent = propagation.extract(ROOT_CONTEXT, header, headerGetter);
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return { span, run: activate(parent, span) };
  }

  function recording(): Span | undefined {
    const span = trace.getActiveSpan();
    return span?.isRecording() === true ? span : undefined;
  }

  return {
    startGrpc(method, header) {
      const { span, run } = startServer(method, { 'rpc.system.name': 'grpc', 'rpc.method': method }, header);
      return {
        run,
        end(code) {
          const name = grpcStatusName(code);
          span.setAttribute('rpc.status_code', name);
          if (isGrpcServerError(code)) {
            span.setAttribute('error.type', name);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },

    startHttp(method, route, path, header) {
      const known = HTTP_METHODS.has(method);
      const attributes: Attributes = {
        'http.request.method': known ? method : '_OTHER',
        'url.path': path,
        'url.scheme': 'http',
      };
      if (route !== undefined) attributes['http.route'] = route;
      const name = `${known ? method : 'HTTP'}${route === undefined ? '' : ` ${route}`}`;
      const { span, run } = startServer(name, attributes, header);
      return {
        run,
        end(statusCode, completed) {
          span.setAttribute('http.response.status_code', statusCode);
          if (statusCode >= 500 || !completed) {
            span.setAttribute('error.type', completed ? String(statusCode) : 'connection_closed');
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },

    evaluated(record) {
      recording()?.setAttributes(evaluationAttributes(record, recordContextId));
    },

    evaluatedItem(record) {
      recording()?.addEvent(FEATURE_FLAG_EVALUATION_EVENT, evaluationAttributes(record, recordContextId));
    },
  };
}
