import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENSIGN_VERSION } from './ensign-version.ts';
import { startTracing, tracingResource } from './start-tracing.ts';
import type { TracingSetting } from './telemetry-settings.ts';

const SETTING: TracingSetting = {
  defaultServiceName: 'ensign-sidecar',
  sampler: { root: 'always_on', ratio: 1, parentBased: true },
  // A long delay: only shutdown's flush can deliver the span in time.
  batch: {
    scheduledDelayMillis: 60_000,
    exportTimeoutMillis: 1000,
    maxQueueSize: 16,
    maxExportBatchSize: 16,
  },
  logLevel: 'none',
};

/** Keeps what it was sent, also across shutdown (the SDK's in-memory exporter forgets on shutdown). */
function recordingExporter(): SpanExporter & { readonly spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    export(batch, done) {
      spans.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tracingResource', () => {
  it('names the service and its version, with Kubernetes attributes from OTEL_RESOURCE_ATTRIBUTES', () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'k8s.pod.name=shop-7d9,k8s.namespace.name=shop');
    vi.stubEnv('OTEL_SERVICE_NAME', '');
    expect(tracingResource(SETTING).attributes).toMatchObject({
      'service.name': 'ensign-sidecar',
      'service.version': ENSIGN_VERSION,
      'k8s.pod.name': 'shop-7d9',
      'k8s.namespace.name': 'shop',
      'telemetry.sdk.language': 'nodejs',
    });
  });

  it('lets OTEL_SERVICE_NAME win over OTEL_RESOURCE_ATTRIBUTES and the default', () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'service.name=from-attributes');
    vi.stubEnv('OTEL_SERVICE_NAME', 'shop-flags');
    expect(tracingResource(SETTING).attributes['service.name']).toBe('shop-flags');
    vi.stubEnv('OTEL_SERVICE_NAME', '');
    expect(tracingResource(SETTING).attributes['service.name']).toBe('from-attributes');
  });
});

describe('startTracing', () => {
  it('continues W3C trace context and exports buffered spans on shutdown', async () => {
    const exporter = recordingExporter();
    const running = startTracing(SETTING, exporter);
    const parent = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    trace.getTracer('test').startActiveSpan('child', {}, parent, (span) => {
      // The AsyncLocalStorage context manager makes the span active inside its callback.
      expect(trace.getSpan(context.active())).toBe(span);
      span.end();
    });
    expect(exporter.spans).toHaveLength(0);
    await running.shutdown();
    const [span] = exporter.spans;
    expect(span?.name).toBe('child');
    expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span?.resource.attributes['service.name']).toBe('ensign-sidecar');
  });
});
