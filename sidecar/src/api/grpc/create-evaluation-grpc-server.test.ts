import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BatchEvaluationRequest as BatchRequestMessage,
  EvaluationRequest as RequestMessage,
  EvaluationServiceService,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type {
  BatchEvaluationRequest,
  BatchEvaluationResponse,
  BooleanEvaluationResponse,
  EvaluationRequest,
  VariantEvaluationResponse,
} from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { FIXED_NOW, testApiDeps } from '../test-support/api-deps.ts';
import type { TestApiDeps } from '../test-support/api-deps.ts';
import { EVALUATION_SERVICE_NAME, createEvaluationGrpcServer } from './create-evaluation-grpc-server.ts';

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, callback: Callback<Res>) => void;

interface EvaluationClient extends grpc.Client {
  boolean: Unary<EvaluationRequest, BooleanEvaluationResponse>;
  variant: Unary<EvaluationRequest, VariantEvaluationResponse>;
  batch: Unary<BatchEvaluationRequest, BatchEvaluationResponse>;
}

const req = (fields: Partial<EvaluationRequest>) => RequestMessage.fromPartial(fields);

const EvaluationClient = grpc.makeGenericClientConstructor(EvaluationServiceService, 'EvaluationService');
const HealthClient = grpc.makeGenericClientConstructor(healthService, 'Health');

const opened: { server: grpc.Server; clients: grpc.Client[] }[] = [];

afterEach(() => {
  for (const { server, clients } of opened.splice(0)) {
    for (const client of clients) client.close();
    server.forceShutdown();
  }
});

async function start(deps: EvaluationApiDeps, reflection = false) {
  const server = createEvaluationGrpcServer({ ...deps, reflection });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => {
      if (error) reject(error);
      else resolve(p);
    });
  });
  const address = `127.0.0.1:${port}`;
  const credentials = grpc.credentials.createInsecure();
  const client = new EvaluationClient(address, credentials) as unknown as EvaluationClient;
  const health = new HealthClient(address, credentials);
  opened.push({ server, clients: [client, health] });
  return { client, health, address };
}

function call<Req, Res>(
  method: Unary<Req, Res>,
  client: grpc.Client,
  request: Req,
  metadata = new grpc.Metadata(),
) {
  return new Promise<Res>((resolve, reject) => {
    method.call(client, request, metadata, (error, value) => {
      if (error) reject(error);
      else resolve(value as Res);
    });
  });
}

async function callError<Req, Res>(
  method: Unary<Req, Res>,
  client: grpc.Client,
  request: Req,
  metadata?: grpc.Metadata,
) {
  return call(method, client, request, metadata).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as grpc.ServiceError,
  );
}

function healthCheck(health: grpc.Client, service: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (health as unknown as Record<string, Unary<{ service: string }, { status: string }>>)[
      'check'
    ];
    check?.call(health, { service }, new grpc.Metadata(), (error, value) => {
      if (error) reject(error);
      else resolve(value?.status ?? '');
    });
  });
}

describe('gRPC EvaluationService', () => {
  let deps: TestApiDeps;

  it('answers Variant through a real grpc-js client', async () => {
    deps = testApiDeps();
    const { client } = await start(deps);
    const response = await call(
      client.variant,
      client,
      req({
        namespaceKey: 'default',
        flagKey: 'flag_001',
        entityId: 'some-fixed-entity-id',
        context: { in_segment: 'segment_005' },
      }),
    );
    expect(response).toEqual({
      match: true,
      segmentKeys: ['segment_005'],
      reason: 2,
      variantKey: 'variant_002',
      variantAttachment: '{"color":"blue"}',
      requestId: '00000000-0000-4000-8000-000000000001',
      requestDurationMillis: 0.25,
      timestamp: new Date(FIXED_NOW),
      flagKey: 'flag_001',
    });
  });

  it('answers Boolean and keeps the caller’s request id', async () => {
    const { client } = await start(testApiDeps());
    const response = await call(
      client.boolean,
      client,
      req({ flagKey: 'flag_boolean', entityId: 'hello', requestId: 'mine' }),
    );
    expect(response).toMatchObject({ enabled: false, reason: 3, requestId: 'mine', flagKey: 'flag_boolean' });
  });

  it('fails a missing flag with NOT_FOUND and Flipt’s message', async () => {
    const { client } = await start(testApiDeps());
    const error = await callError(client.variant, client, req({ flagKey: 'nope' }));
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    expect(error.details).toBe('flag "default/nope" not found');
  });

  it('fails an unserved namespace with NOT_FOUND as Flipt does for an unknown namespace', async () => {
    const { client } = await start(testApiDeps());
    const error = await callError(
      client.boolean,
      client,
      req({ namespaceKey: 'elsewhere', flagKey: 'checkout' }),
    );
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    expect(error.details).toBe('flag "elsewhere/checkout" not found');
  });

  it('fails Boolean of a variant flag with INVALID_ARGUMENT', async () => {
    const { client } = await start(testApiDeps());
    const error = await callError(client.boolean, client, req({ flagKey: 'flag_001' }));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toBe('flag type VARIANT_FLAG_TYPE invalid');
  });

  it('edge case 31: batch of [boolean found, missing flag, variant found] answers three items in order over the wire', async () => {
    const { client } = await start(testApiDeps());
    const response = await call(
      client.batch,
      client,
      BatchRequestMessage.fromPartial({
        requestId: 'batch-1',
        requests: [
          {
            requestId: '1',
            namespaceKey: 'default',
            flagKey: 'flag_boolean',
            entityId: 'fixed',
            context: {},
          },
          { requestId: '2', namespaceKey: 'default', flagKey: 'nope', context: {} },
          {
            requestId: '3',
            namespaceKey: 'default',
            flagKey: 'flag_001',
            entityId: 'some-fixed-entity-id',
            context: { in_segment: 'segment_005' },
          },
        ],
      }),
    );
    expect(response.requestId).toBe('batch-1');
    expect(response.responses.map((r) => [r.type, r.response?.$case])).toEqual([
      [1, 'booleanResponse'],
      [2, 'errorResponse'],
      [0, 'variantResponse'],
    ]);
    expect(response.responses[0]?.response?.value).toMatchObject({ requestId: '1', enabled: true });
    expect(response.responses[1]?.response?.value).toEqual({
      flagKey: 'nope',
      namespaceKey: 'default',
      reason: 1,
    });
    expect(response.responses[2]?.response?.value).toMatchObject({
      requestId: '3',
      variantKey: 'variant_002',
    });
  });

  it('passes the authorization metadata to the authenticate hook and answers its refusal with UNAUTHENTICATED', async () => {
    const seen: (string | undefined)[] = [];
    const { client } = await start(
      testApiDeps({
        authenticate: (request) => {
          seen.push(request.header('authorization'));
          return Promise.resolve({
            ok: false,
            error: { kind: 'UNAUTHENTICATED', message: 'request was not authenticated' },
          });
        },
      }),
    );
    const metadata = new grpc.Metadata();
    metadata.set('authorization', 'Bearer t0k3n');
    const error = await callError(client.variant, client, req({ flagKey: 'flag_001' }), metadata);
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error.details).toBe('request was not authenticated');
    expect(seen).toEqual(['Bearer t0k3n']);
  });

  it('reports health NOT_SERVING until ready and SERVING after, for the server and the evaluation service', async () => {
    deps = testApiDeps();
    deps.readiness.set('waiting for default');
    const { health } = await start(deps);
    expect(await healthCheck(health, '')).toBe('NOT_SERVING');
    expect(await healthCheck(health, EVALUATION_SERVICE_NAME)).toBe('NOT_SERVING');
    deps.readiness.set(undefined);
    expect(await healthCheck(health, '')).toBe('SERVING');
    expect(await healthCheck(health, EVALUATION_SERVICE_NAME)).toBe('SERVING');
  });

  it('serves reflection for the evaluation service, its Timestamp dependency and health when enabled', async () => {
    const { address } = await start(testApiDeps(), true);
    const reflectionProto = join(
      dirname(createRequire(import.meta.url).resolve('@grpc/reflection')),
      '..',
      'proto',
      'grpc',
      'reflection',
      'v1',
      'reflection.proto',
    );
    const pkg = loadSync(reflectionProto, { keepCase: true });
    const Reflection = grpc.makeGenericClientConstructor(
      pkg['grpc.reflection.v1.ServerReflection'] as grpc.ServiceDefinition,
      'ServerReflection',
    );
    const client = new Reflection(address, grpc.credentials.createInsecure());
    opened.push({ server: new grpc.Server(), clients: [client] });
    const ask = (request: object) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const stream = (
          client as unknown as Record<string, () => grpc.ClientDuplexStream<object, Record<string, unknown>>>
        )['ServerReflectionInfo']?.call(client);
        if (!stream) throw new Error('no ServerReflectionInfo method');
        stream.on('data', (message: Record<string, unknown>) => {
          resolve(message);
          stream.end();
        });
        stream.on('error', reject);
        stream.write(request);
      });

    const listed = await ask({ list_services: '' });
    const names = (listed['list_services_response'] as { service: { name: string }[] }).service.map(
      (s) => s.name,
    );
    expect(names).toEqual(expect.arrayContaining([EVALUATION_SERVICE_NAME, 'grpc.health.v1.Health']));

    const files = await ask({ file_containing_symbol: EVALUATION_SERVICE_NAME });
    const descriptors = (files['file_descriptor_response'] as { file_descriptor_proto: Buffer[] })
      .file_descriptor_proto;
    const text = Buffer.concat(descriptors).toString('latin1');
    // proto-loader regroups files by package (flipt_evaluation.proto, google_protobuf.proto); the
    // answer carries the service's file and the file with Timestamp, which it imports.
    expect(descriptors.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('flipt.evaluation');
    expect(text).toContain('VariantEvaluationResponse');
    expect(text).toContain('google.protobuf');
    expect(text).toContain('Timestamp');
  });
});
