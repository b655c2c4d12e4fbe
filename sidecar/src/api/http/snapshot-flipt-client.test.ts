// Flipt's own client-side engine (@flipt-io/flipt-client-js, installed for the end-to-end suite)
// reading our snapshot endpoint must reach the same answers as the sidecar's engine.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../auth-hooks.ts';
import { createFliptEvaluator } from '../flipt-evaluator.ts';
import { testApiDeps } from '../test-support/api-deps.ts';
import { createEvaluationHttpServer } from './create-evaluation-http-server.ts';

// The package's bundled typings do not resolve under nodenext, so the few calls used are typed here.
interface SnapshotClient {
  evaluateVariant(request: EngineRequest): {
    match: boolean;
    variantKey: string;
    reason: string;
    segmentKeys: string[];
  };
  evaluateBoolean(request: EngineRequest): { enabled: boolean; reason: string };
  refresh(): Promise<boolean>;
  close(): void;
}
interface EngineRequest {
  flagKey: string;
  entityId: string;
  context: Record<string, string>;
}
const { FliptClient } = (await import('@flipt-io/flipt-client-js')) as unknown as {
  FliptClient: { init(options: { url: string; namespace: string }): Promise<SnapshotClient> };
};

const deps = testApiDeps();
const evaluator = createFliptEvaluator(deps, 'http');
let server: Server;
let client: SnapshotClient;

beforeAll(async () => {
  server = createEvaluationHttpServer(deps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = await FliptClient.init({ url, namespace: 'default' });
});

afterAll(async () => {
  client.close();
  await new Promise((resolve) => server.close(resolve));
});

const request = (flagKey: string, entityId: string, context: Record<string, string>) => ({
  requestId: '',
  namespaceKey: 'default',
  flagKey,
  entityId,
  context,
  reference: '',
  environmentKey: '',
});

const REASON_NAMES = [
  'UNKNOWN_EVALUATION_REASON',
  'FLAG_DISABLED_EVALUATION_REASON',
  'MATCH_EVALUATION_REASON',
  'DEFAULT_EVALUATION_REASON',
];

describe('@flipt-io/flipt-client-js over the snapshot endpoint', () => {
  it.each([
    ['flag_001', 'some-fixed-entity-id', { in_segment: 'segment_005' }],
    ['flag_001', 'someone-else', { in_segment: 'segment_005' }],
    ['flag_001', 'someone-else', {}],
    ['flag_default', 'u1', {}],
    ['flag_disabled', 'u1', {}],
    ['flag_vip', 'user@flipt.io', {}],
    ['flag_vip', 'nobody@flipt.io', {}],
  ])('evaluates variant flag %s for %s as the sidecar does', (flagKey, entityId, context) => {
    const ours = evaluator.variant(request(flagKey, entityId, context), ANONYMOUS);
    if (!ours.ok) throw new Error(ours.error.message);
    const theirs = client.evaluateVariant({ flagKey, entityId, context });
    expect({
      match: theirs.match,
      variantKey: theirs.variantKey,
      reason: theirs.reason,
      // Flipt keeps a rule's segments in a map, so neither engine promises an order.
      segmentKeys: [...theirs.segmentKeys].sort(),
    }).toEqual({
      match: ours.value.match,
      variantKey: ours.value.variantKey,
      reason: REASON_NAMES[ours.value.reason],
      segmentKeys: [...ours.value.segmentKeys].sort(),
    });
  });

  it.each([
    ['fixed', {}],
    ['hello', {}],
    ['hello', { in_segment: 'segment_001' }],
  ])('evaluates the boolean flag for %s as the sidecar does', (entityId, context) => {
    const ours = evaluator.boolean(request('flag_boolean', entityId, context), ANONYMOUS);
    if (!ours.ok) throw new Error(ours.error.message);
    const theirs = client.evaluateBoolean({ flagKey: 'flag_boolean', entityId, context });
    expect({ enabled: theirs.enabled, reason: theirs.reason }).toEqual({
      enabled: ours.value.enabled,
      reason: REASON_NAMES[ours.value.reason],
    });
  });

  it('sees no change on refresh while the revision is the same (ETag → 304)', async () => {
    expect(await client.refresh()).toBe(false);
  });
});
