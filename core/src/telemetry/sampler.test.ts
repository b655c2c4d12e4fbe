import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createSampler } from './sampler.ts';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

function decide(sampler: ReturnType<typeof createSampler>, parentSampled?: boolean): SamplingDecision {
  const parent =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId: TRACE_ID,
          spanId: 'b7ad6b7169203331',
          traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        });
  return sampler.shouldSample(parent, TRACE_ID, 'span', SpanKind.SERVER, {}, []).decision;
}

describe('createSampler', () => {
  it('follows the caller’s sampling decision when parent-based', () => {
    const sampler = createSampler({ root: 'always_off', ratio: 1, parentBased: true });
    expect(decide(sampler)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, false)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('ignores the caller’s decision when not parent-based', () => {
    const sampler = createSampler({ root: 'always_on', ratio: 1, parentBased: false });
    expect(decide(sampler, false)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('samples root spans by trace-id ratio', () => {
    expect(decide(createSampler({ root: 'traceidratio', ratio: 0, parentBased: true }))).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide(createSampler({ root: 'traceidratio', ratio: 1, parentBased: true }))).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });
});
