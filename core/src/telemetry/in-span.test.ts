import { SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it, beforeEach } from 'vitest';
import { inSpan, inSpanAsync } from './in-span.ts';
import { useInMemoryTracing } from './test-support/in-memory-tracing.ts';

describe('inSpan', () => {
  const tracing = useInMemoryTracing();
  beforeEach(() => {
    tracing.reset();
  });

  it('runs the work as the active span, nested under the span active before', () => {
    const inner = tracing.tracer.startActiveSpan('outer', (outer) => {
      const result = inSpan(tracing.tracer, 'inner', { 'k8s.namespace.name': 'shop' }, (span) => {
        expect(trace.getActiveSpan()).toBe(span);
        return span.spanContext().spanId;
      });
      outer.end();
      return result;
    });
    const span = tracing.span('inner');
    expect(span.spanContext().spanId).toBe(inner);
    expect(span.parentSpanContext?.spanId).toBe(tracing.span('outer').spanContext().spanId);
    expect(span.attributes).toEqual({ 'k8s.namespace.name': 'shop' });
  });

  it('ends the span as an error and rethrows when the work throws', () => {
    expect(() =>
      inSpan(tracing.tracer, 'broken', {}, () => {
        throw new TypeError('bad input');
      }),
    ).toThrow('bad input');
    const span = tracing.span('broken');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('ends an async span when its promise settles', async () => {
    await inSpanAsync(tracing.tracer, 'async-ok', {}, async () => {
      await Promise.resolve();
      expect(tracing.spans()).toHaveLength(0);
    });
    expect(tracing.span('async-ok').status.code).toBe(SpanStatusCode.UNSET);
    await expect(
      inSpanAsync(tracing.tracer, 'async-bad', {}, () => Promise.reject(new Error('gone'))),
    ).rejects.toThrow('gone');
    expect(tracing.span('async-bad').status.code).toBe(SpanStatusCode.ERROR);
  });
});
