import { describe, expect, it } from 'vitest';
import { captureLogLines as capture } from '../test-support/capture-log-lines.ts';
import { createLogger } from '../logger.ts';
import { useInMemoryTracing } from './test-support/in-memory-tracing.ts';
import { activeTraceFields } from './trace-fields.ts';

describe('trace ids in log lines', () => {
  const tracing = useInMemoryTracing();

  it('adds trace_id and span_id of the active span to every line logged inside it', async () => {
    const out = capture();
    const logger = createLogger('sidecar', 'info', out.stream);
    const ids = await tracing.tracer.startActiveSpan('work', async (span) => {
      await Promise.resolve();
      logger.info({ namespace: 'shop' }, 'inside');
      span.end();
      return span.spanContext();
    });
    logger.info({}, 'outside');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({
      msg: 'inside',
      namespace: 'shop',
      trace_id: ids.traceId,
      span_id: ids.spanId,
    });
    expect(inside?.['trace_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('gives a fresh object each time, so a log call’s fields never leak into the next one', () => {
    const first = activeTraceFields();
    expect(first).toEqual({});
    expect(activeTraceFields()).not.toBe(first);
  });
});
