// Caller authentication end to end inside one process: the configured authenticators (a static
// tokens file, a JWKS file, the operator's review stubbed by a table), the real HTTP and gRPC
// evaluation servers, the real metrics registry and the real pino logger, captured.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationRequest, EvaluationServiceService } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { BooleanEvaluationResponse } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import { FlagType } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createLogger } from '@ensign/core/logger.ts';
import { createEvaluationGrpcServer } from '../api/grpc/create-evaluation-grpc-server.ts';
import { createEvaluationHttpServer } from '../api/http/create-evaluation-http-server.ts';
import { testApiDeps } from '../api/test-support/api-deps.ts';
import { hashedRuleSet, lookupOf } from '../api/test-support/rule-sets.ts';
import { createSidecarAuth } from './create-sidecar-auth.ts';
import type { SidecarAuth } from './create-sidecar-auth.ts';
import type { OperatorReview } from './operator-review-client.ts';
import { ReviewUnavailableError } from './operator-review-client.ts';
import { fakeJwt } from './test-support/fake-jwt.ts';
import { AUDIENCE, ISSUER, testSigner } from './test-support/jwt-keys.ts';

const flag = { key: 'checkout', name: 'checkout', type: FlagType.FLAG_TYPE_BOOLEAN, enabled: true };
const lookup = lookupOf('shop', [
  hashedRuleSet({ namespace: 'shop', flags: [flag] }),
  hashedRuleSet({ namespace: 'catalog', flags: [flag], access: { namespaces: ['checkout'] } }),
]);

const STATIC_SHOP = 'static-shop-token-0123456789';
const SA_CHECKOUT = fakeJwt({
  iss: 'https://kubernetes.default.svc',
  sub: 'system:serviceaccount:checkout:api',
});
const SA_EXPIRED = fakeJwt({ iss: 'https://kubernetes.default.svc', sub: 'expired-secret-subject' });
const SA_DOWN = fakeJwt({ iss: 'https://kubernetes.default.svc', sub: 'operator-down-subject' });
const operatorAnswers: Record<string, OperatorReview> = {
  [SA_CHECKOUT]: {
    authenticated: true,
    username: 'system:serviceaccount:checkout:api',
    namespace: 'checkout',
    serviceAccount: 'api',
    expiresAtMs: undefined,
  },
  [SA_EXPIRED]: { authenticated: false, error: 'service account token has expired' },
};

let dir: string;
let auth: SidecarAuth;
let http: Server;
let httpBase: string;
let grpcServer: grpc.Server;
let grpcAddress: string;
let jwtShop: string;
let registry: Registry;
let jwtWrongAudience: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ensign-auth-'));
  const signer = await testSigner();
  // The servers here run on the real clock; the signer's tokens are dated 2025, so make them last.
  const tenYears = 10 * 365 * 24 * 3600;
  jwtShop = await signer.sign(
    { sub: 'ci-bot', 'kubernetes.io': { namespace: 'shop' } },
    { expiresInSec: tenYears },
  );
  jwtWrongAudience = await signer.sign({ sub: 'ci-bot' }, { audience: 'other', expiresInSec: tenYears });
  await writeFile(join(dir, 'tokens'), `${STATIC_SHOP} shop\n`);
  await writeFile(join(dir, 'jwks.json'), JSON.stringify(signer.jwks));
  const logger = createLogger(
    'sidecar',
    'trace',
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logged.push(chunk.toString());
        cb();
      },
    }),
  );
  const base = testApiDeps({}, []);
  registry = base.registry;
  auth = await createSidecarAuth(
    {
      auth: 'required',
      'static-tokens-file': join(dir, 'tokens'),
      'jwks-file': join(dir, 'jwks.json'),
      'jwt-issuer': ISSUER,
      'jwt-audience': AUDIENCE,
    },
    {
      lookup,
      registry: base.registry,
      logger,
      now: Date.now,
      reviewServiceAccountToken: (token) =>
        token === SA_DOWN
          ? Promise.reject(new ReviewUnavailableError('operator UNAVAILABLE: No connection established'))
          : Promise.resolve(
              operatorAnswers[token] ?? { authenticated: false, error: 'invalid bearer token' },
            ),
    },
  );
  const deps = { ...base, lookup, logger, authenticate: auth.authenticate, authorize: auth.authorize };
  http = createEvaluationHttpServer(deps);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  grpcServer = createEvaluationGrpcServer({ ...deps, reflection: false });
  const port = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => {
      if (e) reject(e);
      else resolve(p);
    });
  });
  grpcAddress = `127.0.0.1:${port}`;
});

afterAll(async () => {
  auth.close();
  grpcServer.forceShutdown();
  await new Promise((resolve) => http.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function evaluate(namespaceKey: string, authorization?: string) {
  return fetch(`${httpBase}/evaluate/v1/boolean`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ namespaceKey, flagKey: 'checkout', entityId: 'e1' }),
  });
}

describe('caller authentication over HTTP', () => {
  it.each([
    ['a static token of the namespace', () => `Bearer ${STATIC_SHOP}`, 'shop'],
    ['a JWT whose kubernetes.io claim names the namespace', () => `Bearer ${jwtShop}`, 'shop'],
    ['a service-account token admitted by the namespace’s access', () => `Bearer ${SA_CHECKOUT}`, 'catalog'],
    ['Flipt’s JWT scheme', () => `JWT ${jwtShop}`, 'shop'],
  ])('answers a caller with %s', async (_what, header, namespace) => {
    const res = await evaluate(namespace, header());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ enabled: true, flagKey: 'checkout' });
  });

  it.each([
    ['no Authorization header', undefined, 401, 16, /^missing credentials/],
    ['a malformed header', `bearer ${STATIC_SHOP}`, 401, 16, /^malformed Authorization header/],
    ['an unknown token', 'Bearer unknown-token-0123456789', 401, 16, /^the bearer token is not valid$/],
    ['a JWT for another audience', 'jwtWrongAudience', 401, 16, /^JWT rejected: unexpected "aud"/],
    ['an expired service-account token', `Bearer ${SA_EXPIRED}`, 401, 16, /has expired$/],
    [
      'a caller from another namespace',
      `Bearer ${SA_CHECKOUT}`,
      403,
      7,
      /^service account checkout\/api may not read flag namespace "shop"/,
    ],
    [
      'an operator that cannot review',
      `Bearer ${SA_DOWN}`,
      503,
      14,
      /^cannot check the service-account token now/,
    ],
  ])('refuses %s with Flipt’s error body', async (_what, header, status, code, message) => {
    const authorization = header === 'jwtWrongAudience' ? `Bearer ${jwtWrongAudience}` : header;
    const res = await evaluate('shop', authorization);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { code: number; message: string; details: unknown[] };
    expect(body.code).toBe(code);
    expect(body.message).toMatch(message);
    expect(body.details).toEqual([]);
  });

  it('refuses a namespace the caller may not read even when it does not exist, so probing reveals nothing', async () => {
    const res = await evaluate('no-such-namespace', `Bearer ${STATIC_SHOP}`);
    expect(res.status).toBe(403);
  });

  it('guards OFREP as well', async () => {
    const res = await fetch(`${httpBase}/ofrep/v1/evaluate/flags/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'e1' } }),
    });
    expect(res.status).toBe(401);
  });
});

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, callback: Callback<Res>) => void;
interface EvaluationClient extends grpc.Client {
  boolean: Unary<EvaluationRequest, BooleanEvaluationResponse>;
}
interface HealthClient extends grpc.Client {
  check: Unary<{ service: string }, { status: string }>;
}
const EvaluationClient = grpc.makeGenericClientConstructor(EvaluationServiceService, 'EvaluationService');
const HealthClient = grpc.makeGenericClientConstructor(healthService, 'Health');

describe('caller authentication over gRPC', () => {
  function booleanCall(namespaceKey: string, authorization?: string) {
    const client = new EvaluationClient(
      grpcAddress,
      grpc.credentials.createInsecure(),
    ) as unknown as EvaluationClient;
    const metadata = new grpc.Metadata();
    if (authorization !== undefined) metadata.set('authorization', authorization);
    return new Promise<{ code: grpc.status; value?: BooleanEvaluationResponse }>((resolve) => {
      client.boolean(
        EvaluationRequest.fromPartial({ namespaceKey, flagKey: 'checkout', entityId: 'e1' }),
        metadata,
        (error, value) => {
          client.close();
          resolve({ code: error?.code ?? grpc.status.OK, ...(value === undefined ? {} : { value }) });
        },
      );
    });
  }

  it('answers an authenticated caller and refuses others with codes 16 and 7', async () => {
    expect(await booleanCall('shop', `Bearer ${STATIC_SHOP}`)).toMatchObject({
      code: grpc.status.OK,
      value: { enabled: true },
    });
    expect((await booleanCall('shop')).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await booleanCall('shop', `Bearer ${SA_CHECKOUT}`)).code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('keeps gRPC health unauthenticated', async () => {
    const health = new HealthClient(
      grpcAddress,
      grpc.credentials.createInsecure(),
    ) as unknown as HealthClient;
    const status = await new Promise<string>((resolve) => {
      health.check({ service: '' }, new grpc.Metadata(), (error, value) => {
        resolve(error === null ? (value?.status ?? '') : `error ${error.code}`);
      });
    });
    health.close();
    expect(status).toBe('SERVING');
  });
});

describe('logs and metrics', () => {
  it('log every refusal without any token text', async () => {
    await evaluate('shop', `bearer ${STATIC_SHOP}`);
    await evaluate('shop', 'Bearer unknown-token-0123456789');
    await evaluate('shop', `Bearer ${SA_EXPIRED}`);
    await evaluate('shop', `Bearer ${SA_DOWN}`);
    await evaluate('shop', `Bearer ${jwtWrongAudience}`);
    const text = logged.join('');
    expect(text).toContain('caller not authenticated');
    expect(text).toContain('cannot check caller token');
    for (const secret of [
      STATIC_SHOP,
      'unknown-token-0123456789',
      SA_EXPIRED,
      SA_DOWN,
      jwtWrongAudience,
      jwtShop,
    ])
      expect(text).not.toContain(secret);
    // Not even a recognisable piece of a JWT (its payload segment).
    expect(text).not.toContain(SA_EXPIRED.split('.')[1] ?? 'x');
  });

  it('count results by method and result, with no label naming a caller', async () => {
    const text = await registry.metrics();
    const lines = text.split('\n').filter((l) => l.startsWith('ensign_sidecar_auth_results_total{'));
    for (const line of lines)
      expect(line).toMatch(/^ensign_sidecar_auth_results_total\{method="[a-z]+",result="[a-z]+"\} \d+$/);
    const count = (method: string, result: string) =>
      Number(lines.find((l) => l.includes(`method="${method}",result="${result}"`))?.split(' ')[1]);
    expect(count('static', 'authenticated')).toBeGreaterThan(0);
    expect(count('jwt', 'authenticated')).toBeGreaterThan(0);
    expect(count('jwt', 'unauthenticated')).toBeGreaterThan(0);
    expect(count('none', 'unauthenticated')).toBeGreaterThan(0);
    expect(count('serviceaccount', 'denied')).toBeGreaterThan(0);
    expect(count('serviceaccount', 'unavailable')).toBeGreaterThan(0);
  });
});
