import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useInMemoryTracing } from '@ensign/core/telemetry/test-support/in-memory-tracing.ts';
import {
  BatchEvaluationRequest as BatchRequestMessage,
  EvaluationRequest,
  EvaluationServiceService,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type {
  BatchEvaluationRequest,
  BooleanEvaluationResponse,
  VariantEvaluationResponse,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { createEvaluationGrpcServer } from '../grpc/create-evaluation-grpc-server.ts';
import { createEvaluationHttpServer } from '../http/create-evaluation-http-server.ts';
import { recordingLogger, testApiDeps } from '../test-support/api-deps.ts';
import { DEFAULT_RULE_SET } from '../test-support/rule-sets.ts';
import { createEvaluationTracing, FEATURE_FLAG_EVALUATION_EVENT } from './evaluation-tracing.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, value?: Res) => void,
) => void;
interface EvaluationClient extends grpc.Client {
  boolean: Unary<EvaluationRequest, BooleanEvaluationResponse>;
  variant: Unary<EvaluationRequest, VariantEvaluationResponse>;
  batch: Unary<BatchEvaluationRequest, unknown>;
}
const EvaluationClient = grpc.makeGenericClientConstructor(EvaluationServiceService, 'EvaluationService');

const tracing = useInMemoryTracing();
const cleanup: (() => void)[] = [];

beforeEach(() => {
  tracing.reset();
});
afterEach(() => {
  for (const close of cleanup.splice(0)) close();
});

function tracedDeps(recordContextId = true): EvaluationApiDeps {
  return testApiDeps({ tracing: createEvaluationTracing({ recordContextId, tracer: tracing.tracer }) });
}

async function grpcClient(deps: EvaluationApiDeps): Promise<EvaluationClient> {
  const server = createEvaluationGrpcServer({ ...deps, reflection: false });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => {
      if (error) reject(error);
      else resolve(p);
    });
  });
  const client = new EvaluationClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as EvaluationClient;
  cleanup.push(() => {
    client.close();
    server.forceShutdown();
  });
  return client;
}

function call<Req, Res>(client: grpc.Client, method: Unary<Req, Res>, request: Req, traceparent?: string) {
  const metadata = new grpc.Metadata();
  if (traceparent !== undefined) metadata.set('traceparent', traceparent);
  return new Promise<{ value?: Res; error?: grpc.ServiceError }>((resolve) => {
    method.call(client, request, metadata, (error, value) => {
      resolve(error ? { error } : { value: value as Res });
    });
  });
}

async function httpBase(deps: EvaluationApiDeps): Promise<string> {
  const server: Server = createEvaluationHttpServer(deps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    server.close();
    server.closeAllConnections();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The HTTP span ends on the response's `close`, a moment after the client has the body. */
async function spanNamed(name: string) {
  for (let i = 0; i < 50 && !tracing.spans().some((s) => s.name === name); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return tracing.span(name);
}

describe('gRPC evaluation spans', () => {
  it('continues the caller’s trace from `traceparent` metadata with one SERVER span per call', async () => {
    const client = await grpcClient(tracedDeps());
    const answer = await call(
      client,
      client.boolean,
      EvaluationRequest.fromPartial({ flagKey: 'flag_boolean', entityId: 'user-7' }),
      TRACEPARENT,
    );
    expect(answer.value?.enabled).toBe(false);
    const span = tracing.span('flipt.evaluation.EvaluationService/Boolean');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span.attributes).toMatchObject({
      'rpc.system.name': 'grpc',
      'rpc.method': 'flipt.evaluation.EvaluationService/Boolean',
      'rpc.status_code': 'OK',
      'feature_flag.key': 'flag_boolean',
      'feature_flag.provider.name': 'ensign',
      'feature_flag.result.reason': 'default',
      'feature_flag.result.value': false,
      'feature_flag.context.id': 'user-7',
      'feature_flag.set.id': 'default',
      'feature_flag.version': DEFAULT_RULE_SET.revision,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('starts a new trace when the caller sends no trace context', async () => {
    const client = await grpcClient(tracedDeps());
    await call(client, client.variant, EvaluationRequest.fromPartial({ flagKey: 'flag_001', entityId: 'e' }));
    const span = tracing.span('flipt.evaluation.EvaluationService/Variant');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes['feature_flag.result.reason']).toBeDefined();
  });

  it('records a missing flag as a flag_not_found evaluation error with NOT_FOUND status', async () => {
    const client = await grpcClient(tracedDeps());
    const answer = await call(
      client,
      client.variant,
      EvaluationRequest.fromPartial({ flagKey: 'nope' }),
      TRACEPARENT,
    );
    expect(answer.error?.code).toBe(grpc.status.NOT_FOUND);
    const span = tracing.span('flipt.evaluation.EvaluationService/Variant');
    expect(span.attributes).toMatchObject({
      'feature_flag.key': 'nope',
      'feature_flag.result.reason': 'error',
      'error.type': 'flag_not_found',
      'rpc.status_code': 'NOT_FOUND',
    });
    // A caller's mistake, not the server's: the span is not an error span.
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a call refused while the sidecar has no rule set as a server error', async () => {
    const deps = tracedDeps();
    const client = await grpcClient({
      ...deps,
      lookup: { defaultNamespace: 'default', get: () => undefined },
      readiness: { notReadyReason: () => 'waiting', subscribe: () => () => undefined },
    });
    const answer = await call(
      client,
      client.boolean,
      EvaluationRequest.fromPartial({ flagKey: 'flag_boolean' }),
    );
    expect(answer.error?.code).toBe(grpc.status.UNAVAILABLE);
    const span = tracing.span('flipt.evaluation.EvaluationService/Boolean');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['rpc.status_code']).toBe('UNAVAILABLE');
  });

  it('gives each flag of a Batch its own feature_flag.evaluation event', async () => {
    const client = await grpcClient(tracedDeps());
    await call(
      client,
      client.batch,
      BatchRequestMessage.fromPartial({
        requests: [
          EvaluationRequest.fromPartial({ flagKey: 'flag_boolean', entityId: 'u' }),
          EvaluationRequest.fromPartial({
            flagKey: 'flag_001',
            entityId: 'some-fixed-entity-id',
            context: { in_segment: 'segment_005' },
          }),
          EvaluationRequest.fromPartial({ flagKey: 'missing', entityId: 'u' }),
        ],
      }),
      TRACEPARENT,
    );
    const span = tracing.span('flipt.evaluation.EvaluationService/Batch');
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span.events.map((e) => e.name)).toEqual(Array(3).fill(FEATURE_FLAG_EVALUATION_EVENT));
    expect(span.events.map((e) => e.attributes?.['feature_flag.key'])).toEqual([
      'flag_boolean',
      'flag_001',
      'missing',
    ]);
    expect(span.events[1]?.attributes).toMatchObject({
      'feature_flag.result.variant': 'variant_002',
      'feature_flag.result.reason': 'targeting_match',
    });
    expect(span.events[2]?.attributes?.['error.type']).toBe('flag_not_found');
    // The request span itself describes no single flag.
    expect(span.attributes).not.toHaveProperty('feature_flag.key');
  });

  it('creates no spans when tracing is off, even with a tracer provider registered', async () => {
    const client = await grpcClient(testApiDeps());
    await call(
      client,
      client.boolean,
      EvaluationRequest.fromPartial({ flagKey: 'flag_boolean' }),
      TRACEPARENT,
    );
    expect(tracing.spans()).toEqual([]);
  });
});

describe('HTTP evaluation spans', () => {
  it('continues the caller’s trace from the `traceparent` header on Flipt REST', async () => {
    const base = await httpBase(tracedDeps());
    const res = await post(
      base,
      '/evaluate/v1/variant',
      { flagKey: 'flag_001', entityId: 'some-fixed-entity-id', context: { in_segment: 'segment_005' } },
      { traceparent: TRACEPARENT },
    );
    expect(res.status).toBe(200);
    const span = await spanNamed('POST /evaluate/v1/variant');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/evaluate/v1/variant',
      'url.path': '/evaluate/v1/variant',
      'http.response.status_code': 200,
      'feature_flag.key': 'flag_001',
      'feature_flag.result.variant': 'variant_002',
      'feature_flag.result.reason': 'targeting_match',
      'feature_flag.context.id': 'some-fixed-entity-id',
    });
  });

  it('names OFREP single-flag spans by route and records the targeting key', async () => {
    const base = await httpBase(tracedDeps());
    const answer = await post(
      base,
      '/ofrep/v1/evaluate/flags/flag_boolean',
      { context: { targetingKey: 'u-1' } },
      { traceparent: TRACEPARENT },
    );
    const span = await spanNamed('POST /ofrep/v1/evaluate/flags/{key}');
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(typeof answer.body['value']).toBe('boolean');
    expect(span.attributes).toMatchObject({
      'url.path': '/ofrep/v1/evaluate/flags/flag_boolean',
      'feature_flag.key': 'flag_boolean',
      'feature_flag.context.id': 'u-1',
      'feature_flag.result.value': answer.body['value'],
    });
  });

  it('records an OFREP request without a targeting key as targeting_key_missing', async () => {
    const base = await httpBase(tracedDeps());
    const res = await post(base, '/ofrep/v1/evaluate/flags/flag_boolean', { context: {} });
    expect(res.status).toBe(400);
    const span = await spanNamed('POST /ofrep/v1/evaluate/flags/{key}');
    expect(span.attributes).toMatchObject({
      'feature_flag.key': 'flag_boolean',
      'error.type': 'targeting_key_missing',
      'http.response.status_code': 400,
    });
  });

  it('adds one event per flag of an OFREP bulk evaluation', async () => {
    const base = await httpBase(tracedDeps(false));
    await post(base, '/ofrep/v1/evaluate/flags', {
      context: { targetingKey: 'u-2', flags: 'flag_boolean,flag_001' },
    });
    const span = await spanNamed('POST /ofrep/v1/evaluate/flags');
    expect(span.events.map((e) => e.attributes?.['feature_flag.key'])).toEqual(['flag_boolean', 'flag_001']);
    // ENSIGN_TRACE_CONTEXT_ID=false: no user ids in traces.
    for (const event of span.events) expect(event.attributes).not.toHaveProperty('feature_flag.context.id');
  });

  it('names a request that matched no route by its method alone', async () => {
    const base = await httpBase(tracedDeps());
    expect((await post(base, '/nowhere', {})).status).toBe(404);
    const span = await spanNamed('POST');
    expect(span.attributes).not.toHaveProperty('http.route');
    expect(span.attributes['http.response.status_code']).toBe(404);
  });

  it('puts the request’s trace ids on log lines written while answering it', async () => {
    const logger = recordingLogger();
    const { activeTraceFields } = await import('@ensign/core/telemetry/trace-fields.ts');
    const deps = tracedDeps();
    const base = await httpBase({
      ...deps,
      authenticate: () => {
        logger.warn(activeTraceFields(), 'authenticating');
        return { ok: true, principal: { subject: 'test' } };
      },
    });
    await post(base, '/evaluate/v1/boolean', { flagKey: 'flag_boolean' }, { traceparent: TRACEPARENT });
    const span = await spanNamed('POST /evaluate/v1/boolean');
    expect(logger.lines[0]?.obj).toEqual({ trace_id: TRACE_ID, span_id: span.spanContext().spanId });
  });
});
