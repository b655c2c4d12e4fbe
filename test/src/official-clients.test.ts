// The outside world talking to a running sidecar: Flipt's own SDKs, a plain gRPC client built from
// the .proto, and OpenFeature with the OFREP provider — all must agree with each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FliptClient } from '@flipt-io/flipt';
import * as fliptClientJs from '@flipt-io/flipt-client-js';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import type * as grpc from '@grpc/grpc-js';
import { fliptGrpcClient } from './harness/grpc-client.ts';
import type { GrpcEvaluationClient } from './harness/grpc-client.ts';
import { startLocalSystem } from './harness/system.ts';
import type { LocalSystem } from './harness/system.ts';

/** The part of Flipt's client-side engine this suite uses (its published .d.ts does not resolve under NodeNext). */
interface SnapshotEngine {
  evaluateVariant(r: { flagKey: string; entityId: string; context: Record<string, string> }): {
    variantKey: string;
    match: boolean;
  };
  evaluateBoolean(r: { flagKey: string; entityId: string; context: Record<string, string> }): {
    enabled: boolean;
  };
  refresh(): Promise<boolean>;
  close(): void;
}
const FliptEngineClient = (
  fliptClientJs as unknown as {
    FliptClient: { init(options: { url: string; namespace: string }): Promise<SnapshotEngine> };
  }
).FliptClient;

let system: LocalSystem;
let grpcClient: GrpcEvaluationClient;

beforeAll(async () => {
  system = await startLocalSystem();
  grpcClient = fliptGrpcClient(system.grpcAddress);
});

afterAll(async () => {
  grpcClient.close();
  await OpenFeature.close();
  await system.stop();
});

type HealthCheck = (
  request: { service: string },
  callback: (error: Error | null, response: { status: string }) => void,
) => void;

interface VariantAnswer {
  match: boolean;
  variantKey: string;
  reason: string;
  segmentKeys: string[];
  variantAttachment: string;
}

/** Contexts that exercise every segment of the examples: plans, regions, ages, mobile, sign-up dates. */
function contexts(n: number): { entityId: string; context: Record<string, string> }[] {
  const plans = ['free', 'beta', 'pro', 'staff'];
  const regions = ['eu-west', 'us-east', 'eu-north', 'ap-south'];
  return Array.from({ length: n }, (_, i) => ({
    entityId: i % 17 === 0 ? `user-${i}@example.com` : `user-${i}`,
    context: {
      plan: plans[i % 4] ?? 'free',
      region: regions[(i >> 2) % 4] ?? 'us-east',
      age: String(15 + (i % 40)),
      mobile: i % 5 === 0 ? 'true' : 'false',
      signed_up: i % 3 === 0 ? '2026-03-01T10:00:00Z' : '2025-06-01T10:00:00Z',
    },
  }));
}

describe('Flipt REST SDK (@flipt-io/flipt) against the sidecar', () => {
  it('evaluates a variant flag with its attachment, a boolean flag and a batch', async () => {
    const client = new FliptClient({ url: system.httpUrl });
    const variant = await client.evaluation.variant({
      namespaceKey: 'default',
      flagKey: 'checkout-button',
      entityId: 'someone',
      context: { plan: 'beta' },
    });
    expect(variant).toMatchObject({
      match: true,
      variantKey: 'big-green',
      reason: 'MATCH_EVALUATION_REASON',
      segmentKeys: ['beta-users'],
      flagKey: 'checkout-button',
    });
    expect(JSON.parse(variant.variantAttachment)).toEqual({
      color: '#1a7f37',
      label: 'Buy now',
      size: 'large',
    });

    const kill = await client.evaluation.boolean({
      namespaceKey: 'default',
      flagKey: 'payments-enabled',
      entityId: 'someone',
      context: {},
    });
    expect(kill).toMatchObject({ enabled: true, reason: 'DEFAULT_EVALUATION_REASON' });

    const batch = await client.evaluation.batch({
      requests: [
        { namespaceKey: 'default', flagKey: 'payments-enabled', entityId: 'a', context: {} },
        { namespaceKey: 'default', flagKey: 'no-such-flag', entityId: 'a', context: {} },
        { namespaceKey: 'shop', flagKey: 'free-shipping', entityId: 'a', context: { tier: 'gold' } },
      ],
    });
    expect(batch.responses.map((r) => r.type)).toEqual([
      'BOOLEAN_EVALUATION_RESPONSE_TYPE',
      'ERROR_EVALUATION_RESPONSE_TYPE',
      'BOOLEAN_EVALUATION_RESPONSE_TYPE',
    ]);
    expect(batch.responses[1]?.errorResponse).toMatchObject({
      flagKey: 'no-such-flag',
      reason: 'NOT_FOUND_ERROR_EVALUATION_REASON',
    });
    expect(batch.responses[2]?.booleanResponse?.enabled).toBe(true);
  });

  it('surfaces Flipt’s not-found message for a missing flag', async () => {
    const client = new FliptClient({ url: system.httpUrl });
    await expect(
      client.evaluation.variant({ namespaceKey: 'default', flagKey: 'nope', entityId: 'x', context: {} }),
    ).rejects.toThrow('flag "default/nope" not found');
  });
});

describe('Flipt gRPC API through a client built from the .proto', () => {
  it('answers Variant, Boolean and Batch like the REST API', async () => {
    const rest = new FliptClient({ url: system.httpUrl });
    for (const { entityId, context } of contexts(40)) {
      const request = { namespaceKey: 'default', flagKey: 'checkout-button', entityId, context };
      const [viaGrpc, viaRest] = await Promise.all([
        grpcClient.call<VariantAnswer>('Variant', request),
        rest.evaluation.variant(request),
      ]);
      expect({ ...viaGrpc, entityId }).toMatchObject({
        entityId,
        match: viaRest.match,
        variantKey: viaRest.variantKey,
        reason: viaRest.reason,
        segmentKeys: viaRest.segmentKeys,
        variantAttachment: viaRest.variantAttachment,
      });
    }
    const batch = await grpcClient.call<{ responses: { type: string }[] }>('Batch', {
      requests: [
        { flagKey: 'payments-enabled', entityId: 'a' },
        { flagKey: 'UI_THEME', entityId: 'a', context: { mobile: 'true' } },
      ],
    });
    expect(batch.responses.map((r) => r.type)).toEqual([
      'BOOLEAN_EVALUATION_RESPONSE_TYPE',
      'VARIANT_EVALUATION_RESPONSE_TYPE',
    ]);
  });

  it('fails with NOT_FOUND and INVALID_ARGUMENT status codes and Flipt’s messages', async () => {
    await expect(grpcClient.call('Boolean', { flagKey: 'nope', entityId: 'x' })).rejects.toMatchObject({
      code: 5,
      details: 'flag "default/nope" not found',
    });
    await expect(
      grpcClient.call('Boolean', { flagKey: 'checkout-button', entityId: 'x' }),
    ).rejects.toMatchObject({ code: 3, details: 'flag type VARIANT_FLAG_TYPE invalid' });
  });

  it('reports SERVING on the gRPC health service once rule sets are loaded', async () => {
    const { loadSync } = await import('@grpc/proto-loader');
    const { protoPath } = await import('grpc-health-check');
    const grpcJs = await import('@grpc/grpc-js');
    const pkg = grpcJs.loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
    };
    const health = new pkg.grpc.health.v1.Health(system.grpcAddress, grpcJs.credentials.createInsecure());
    const status = await new Promise<{ status: string }>((resolve, reject) => {
      const check = (health as unknown as { check: HealthCheck }).check.bind(health);
      check({ service: 'flipt.evaluation.EvaluationService' }, (error, response) => {
        if (error) reject(error);
        else resolve(response);
      });
    });
    health.close();
    expect(status.status).toBe('SERVING');
  });
});

describe('OpenFeature server SDK with the OFREP provider', () => {
  it('resolves boolean and string flags with reasons and variants', async () => {
    await OpenFeature.setProviderAndWait('ensign', new OFREPProvider({ baseUrl: system.httpUrl }));
    const client = OpenFeature.getClient('ensign');
    const kill = await client.getBooleanDetails('payments-enabled', false, { targetingKey: 'u1' });
    expect(kill).toMatchObject({ value: true, reason: 'DEFAULT' });
    const button = await client.getStringDetails('checkout-button', 'fallback', {
      targetingKey: 'u1',
      plan: 'staff',
    });
    expect(button).toMatchObject({ value: 'big-green', variant: 'big-green', reason: 'TARGETING_MATCH' });
    const missing = await client.getBooleanDetails('no-such-flag', false, { targetingKey: 'u1' });
    expect(missing).toMatchObject({ value: false, errorCode: 'FLAG_NOT_FOUND' });
  });

  it('agrees with the Flipt REST API on every entity', async () => {
    await OpenFeature.setProviderAndWait('ensign', new OFREPProvider({ baseUrl: system.httpUrl }));
    const client = OpenFeature.getClient('ensign');
    const rest = new FliptClient({ url: system.httpUrl });
    for (const { entityId, context } of contexts(30)) {
      const viaOfrep = await client.getBooleanValue('new-search', false, {
        targetingKey: entityId,
        ...context,
      });
      const viaRest = await rest.evaluation.boolean({
        namespaceKey: 'default',
        flagKey: 'new-search',
        entityId,
        context,
      });
      expect({ entityId, enabled: viaOfrep }).toEqual({ entityId, enabled: viaRest.enabled });
    }
  });
});

describe('Flipt client-side engine (@flipt-io/flipt-client-js) over the snapshot endpoint', () => {
  it('evaluates every example flag exactly as the sidecar does, and refreshes with ETag/304', async () => {
    const engine = await FliptEngineClient.init({ url: system.httpUrl, namespace: 'default' });
    try {
      const rest = new FliptClient({ url: system.httpUrl });
      let compared = 0;
      for (const { entityId, context } of contexts(60)) {
        for (const flagKey of ['checkout-button', 'UI_THEME']) {
          const local = engine.evaluateVariant({ flagKey, entityId, context });
          const remote = await rest.evaluation.variant({
            namespaceKey: 'default',
            flagKey,
            entityId,
            context,
          });
          expect({ entityId, flagKey, variant: local.variantKey, match: local.match }).toEqual({
            entityId,
            flagKey,
            variant: remote.variantKey,
            match: remote.match,
          });
          compared++;
        }
        for (const flagKey of ['new-search', 'payments-enabled']) {
          const local = engine.evaluateBoolean({ flagKey, entityId, context });
          const remote = await rest.evaluation.boolean({
            namespaceKey: 'default',
            flagKey,
            entityId,
            context,
          });
          expect({ entityId, flagKey, enabled: local.enabled }).toEqual({
            entityId,
            flagKey,
            enabled: remote.enabled,
          });
          compared++;
        }
      }
      expect(compared).toBe(240);
      expect(await engine.refresh()).toBe(false);
    } finally {
      engine.close();
    }
  });
});
