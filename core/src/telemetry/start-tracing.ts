// The tracing SDK, wired: tracer provider with a batch span processor and the OTLP/gRPC exporter,
// W3C trace-context and baggage propagation, AsyncLocalStorage context. Loaded only when tracing
// is on (start-telemetry.ts), so a process without a collector never loads the SDK.
import { context, diag, propagation, trace } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  diagLogLevelFromString,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import {
  defaultResource,
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { ENSIGN_VERSION } from './ensign-version.ts';
import { createSampler } from './sampler.ts';
import type { TracingSetting } from './telemetry-settings.ts';

export interface RunningTracing {
  readonly provider: TracerProvider;
  /** Flushes buffered spans to the exporter, then stops it. */
  shutdown(): Promise<void>;
}

/** service.name and service.version, then OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME (later wins). */
export function tracingResource(setting: TracingSetting): Resource {
  return defaultResource()
    .merge(
      resourceFromAttributes({
        'service.name': setting.defaultServiceName,
        'service.version': ENSIGN_VERSION,
      }),
    )
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] }));
}

/** The SDK's own complaints (an unreachable collector, dropped spans) as JSON lines on stderr. */
function stderrDiagLogger(): DiagLogger {
  const write =
    (level: string) =>
    (message: string, ...args: unknown[]): void => {
      const detail = args.length === 0 ? {} : { detail: args.map((a) => String(a)).join(' ') };
      process.stderr.write(
        JSON.stringify({
          level,
          time: new Date().toISOString(),
          component: 'otel',
          msg: message,
          ...detail,
        }) + '\n',
      );
    };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}

export function startTracing(setting: TracingSetting, exporter?: SpanExporter): RunningTracing {
  const level = diagLogLevelFromString(setting.logLevel);
  if (level !== undefined) diag.setLogger(stderrDiagLogger(), { logLevel: level });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const provider = new TracerProvider({
    resource: tracingResource(setting),
    sampler: createSampler(setting.sampler),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: exporter ?? new OTLPTraceExporter(), ...setting.batch }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return { provider, shutdown: () => provider.shutdown() };
}
