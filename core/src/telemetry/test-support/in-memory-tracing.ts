// Tracing for unit tests: the real SDK with an in-memory exporter, registered as the global
// provider together with AsyncLocalStorage context and W3C propagation, as start-tracing.ts does.
// Vitest isolates test files, so each file that calls this gets its own provider.
import { context, propagation, trace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, Sampler } from '@opentelemetry/sdk-trace';

export interface InMemoryTracing {
  readonly tracer: Tracer;
  /** Spans ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** The one ended span called `name`; throws when there is none or more than one. */
  span(name: string): ReadableSpan;
  reset(): void;
}

let shared: InMemoryTracing | undefined;

export function useInMemoryTracing(sampler?: Sampler): InMemoryTracing {
  if (shared !== undefined) return shared;
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    ...(sampler === undefined ? {} : { sampler }),
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  shared = {
    tracer: provider.getTracer('test'),
    spans: () => exporter.getFinishedSpans(),
    span(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}`);
      return found[0] as ReadableSpan;
    },
    reset: () => {
      exporter.reset();
    },
  };
  return shared;
}
