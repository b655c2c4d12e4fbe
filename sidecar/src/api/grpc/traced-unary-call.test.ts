import { Metadata, status } from '@grpc/grpc-js';
import type { ServerUnaryCall, handleUnaryCall } from '@grpc/grpc-js';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { useInMemoryTracing } from '@ensign/core/telemetry/test-support/in-memory-tracing.ts';
import { createEvaluationTracing } from '../tracing/evaluation-tracing.ts';
import { tracedUnaryCall } from './traced-unary-call.ts';

const tracing = useInMemoryTracing();
const evaluationTracing = createEvaluationTracing({ recordContextId: true, tracer: tracing.tracer });

beforeEach(() => {
  tracing.reset();
});

function callWith(metadata: Metadata): ServerUnaryCall<object, object> {
  return { metadata, request: {} } as unknown as ServerUnaryCall<object, object>;
}

describe('tracedUnaryCall', () => {
  it('ends the span once, with the code the handler answered', () => {
    const handler: handleUnaryCall<object, object> = (_call, callback) => {
      callback({ code: status.PERMISSION_DENIED, details: 'no' });
    };
    const answers: (number | undefined)[] = [];
    tracedUnaryCall(
      evaluationTracing,
      'svc/Method',
      handler,
    )(callWith(new Metadata()), (error) => {
      answers.push(error?.code);
    });
    expect(answers).toEqual([status.PERMISSION_DENIED]);
    expect(tracing.span('svc/Method').attributes['rpc.status_code']).toBe('PERMISSION_DENIED');
  });

  it('ends the span as UNKNOWN when the handler throws', () => {
    const handler: handleUnaryCall<object, object> = () => {
      throw new Error('bug');
    };
    expect(() => {
      tracedUnaryCall(evaluationTracing, 'svc/Method', handler)(callWith(new Metadata()), () => undefined);
    }).toThrow('bug');
    const span = tracing.span('svc/Method');
    expect(span.attributes['rpc.status_code']).toBe('UNKNOWN');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});
