import { describe, expect, it } from 'vitest';
import type { EvaluationRequest } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import { NamespaceIndex } from '../engine/namespace-index.ts';
import { ANONYMOUS } from './auth-hooks.ts';
import { createFliptEvaluator } from './flipt-evaluator.ts';
import { FIXED_NOW, testApiDeps } from './test-support/api-deps.ts';
import { DEFAULT_RULE_SET, served } from './test-support/rule-sets.ts';

function request(fields: Partial<EvaluationRequest>): EvaluationRequest {
  return {
    requestId: '',
    namespaceKey: '',
    flagKey: '',
    entityId: '',
    context: {},
    reference: '',
    environmentKey: '',
    ...fields,
  };
}

const FIRST_ID = '00000000-0000-4000-8000-000000000001';

describe('Flipt evaluator', () => {
  it('answers Variant with the matched variant, a generated request id, the end time and the measured duration', () => {
    const evaluator = createFliptEvaluator(testApiDeps(), 'grpc');
    const result = evaluator.variant(
      request({
        namespaceKey: 'default',
        flagKey: 'flag_001',
        entityId: 'some-fixed-entity-id',
        context: { in_segment: 'segment_005' },
      }),
      ANONYMOUS,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        match: true,
        segmentKeys: ['segment_005'],
        reason: 2,
        variantKey: 'variant_002',
        variantAttachment: '{"color":"blue"}',
        requestId: FIRST_ID,
        requestDurationMillis: 0.25,
        timestamp: new Date(FIXED_NOW),
        flagKey: 'flag_001',
      },
    });
  });

  it('answers Boolean for a disabled flag through its rollouts (Flipt runs them anyway)', () => {
    const evaluator = createFliptEvaluator(testApiDeps(), 'grpc');
    const result = evaluator.boolean(
      request({ flagKey: 'flag_boolean', entityId: 'fixed', requestId: 'r-1' }),
      ANONYMOUS,
    );
    expect(result.ok && result.value).toMatchObject({
      enabled: true,
      reason: 2,
      requestId: 'r-1',
      segmentKeys: [],
    });
  });

  it('reads an empty namespaceKey as the default namespace', () => {
    const deps = testApiDeps();
    deps.lookup.set({ ...DEFAULT_RULE_SET, namespace: 'team-a' });
    const evaluator = createFliptEvaluator(
      { ...deps, lookup: { ...deps.lookup, defaultNamespace: 'team-a' } },
      'grpc',
    );
    const result = evaluator.variant(request({ flagKey: 'flag_default' }), ANONYMOUS);
    expect(result.ok && result.value).toMatchObject({ variantKey: 'blue', reason: 3 });
    expect(evaluator.variant(request({ flagKey: 'nope' }), ANONYMOUS)).toEqual({
      ok: false,
      error: { kind: 'NOT_FOUND', message: 'flag "team-a/nope" not found' },
    });
  });

  it.each([
    ['a missing flag', { flagKey: 'nope' }, 'variant', 'NOT_FOUND', 'flag "default/nope" not found'],
    [
      'an unserved namespace',
      { namespaceKey: 'nowhere', flagKey: 'x' },
      'variant',
      'NOT_FOUND',
      'flag "nowhere/x" not found',
    ],
    [
      'Variant of a boolean flag',
      { flagKey: 'flag_boolean' },
      'variant',
      'WRONG_TYPE',
      'flag type BOOLEAN_FLAG_TYPE invalid',
    ],
    [
      'Boolean of a variant flag',
      { flagKey: 'flag_001' },
      'boolean',
      'WRONG_TYPE',
      'flag type VARIANT_FLAG_TYPE invalid',
    ],
  ] as const)('fails %s with Flipt’s kind and message', (_name, fields, rpc, kind, message) => {
    const evaluator = createFliptEvaluator(testApiDeps(), 'grpc');
    expect(evaluator[rpc](request(fields), ANONYMOUS)).toEqual({ ok: false, error: { kind, message } });
  });

  it('answers UNAVAILABLE for a namespace without a rule set while the sidecar is not ready', () => {
    const deps = testApiDeps();
    deps.readiness.set('waiting for shop');
    const result = createFliptEvaluator(deps, 'grpc').boolean(
      request({ namespaceKey: 'later', flagKey: 'x' }),
      ANONYMOUS,
    );
    expect(result).toEqual({
      ok: false,
      error: { kind: 'UNAVAILABLE', message: 'namespace "later" has no rule set yet' },
    });
  });

  it('asks authorize before looking the namespace up', () => {
    const deps = testApiDeps({
      authorize: (principal, ns) => ({
        kind: 'PERMISSION_DENIED',
        message: `${principal.subject} may not read ${ns}`,
      }),
    });
    const result = createFliptEvaluator(deps, 'grpc').boolean(
      request({ namespaceKey: 'nowhere' }),
      ANONYMOUS,
    );
    expect(result).toEqual({
      ok: false,
      error: { kind: 'PERMISSION_DENIED', message: 'system:anonymous may not read nowhere' },
    });
  });

  it('edge case 31: batch of [boolean found, missing flag, variant found] gives three items in order', () => {
    const evaluator = createFliptEvaluator(testApiDeps(), 'grpc');
    const batch = evaluator.batch(
      {
        requestId: '',
        reference: '',
        requests: [
          request({ requestId: '1', namespaceKey: 'default', flagKey: 'flag_boolean', entityId: 'fixed' }),
          request({ requestId: '2', namespaceKey: 'default', flagKey: 'nope' }),
          request({
            requestId: '3',
            namespaceKey: 'default',
            flagKey: 'flag_001',
            entityId: 'some-fixed-entity-id',
            context: { in_segment: 'segment_005' },
          }),
        ],
      },
      ANONYMOUS,
    );
    const stamp = { requestDurationMillis: 0.25, timestamp: new Date(FIXED_NOW) };
    expect(batch).toEqual({
      requestId: FIRST_ID,
      requestDurationMillis: 0.25,
      responses: [
        {
          type: 1,
          response: {
            $case: 'booleanResponse',
            value: {
              enabled: true,
              reason: 2,
              requestId: '1',
              flagKey: 'flag_boolean',
              segmentKeys: [],
              ...stamp,
            },
          },
        },
        {
          type: 2,
          response: {
            $case: 'errorResponse',
            value: { flagKey: 'nope', namespaceKey: 'default', reason: 1 },
          },
        },
        {
          type: 0,
          response: {
            $case: 'variantResponse',
            value: {
              match: true,
              segmentKeys: ['segment_005'],
              reason: 2,
              variantKey: 'variant_002',
              variantAttachment: '{"color":"blue"}',
              requestId: '3',
              flagKey: 'flag_001',
              ...stamp,
            },
          },
        },
      ],
    });
  });

  it('edge case 32: a batch item whose evaluation throws becomes an ERROR item with UNKNOWN_ERROR (our decision = v2) and the batch still answers', () => {
    const deps = testApiDeps();
    // An index missing its private flag map makes the real engine throw on lookup.
    const broken = Object.create(NamespaceIndex.prototype) as NamespaceIndex;
    const lookup = {
      defaultNamespace: 'default',
      get: (ns: string) =>
        ns === 'broken' ? { ...served(DEFAULT_RULE_SET), index: broken } : deps.lookup.get(ns),
    };
    const batch = createFliptEvaluator({ ...deps, lookup }, 'grpc').batch(
      {
        requestId: 'b',
        reference: '',
        requests: [
          request({ namespaceKey: 'broken', flagKey: 'flag_001' }),
          request({ flagKey: 'flag_default', requestId: 'ok' }),
        ],
      },
      ANONYMOUS,
    );
    expect(batch.requestId).toBe('b');
    expect(batch.responses[0]).toEqual({
      type: 2,
      response: { $case: 'errorResponse', value: { flagKey: 'flag_001', namespaceKey: 'broken', reason: 0 } },
    });
    expect(batch.responses[1]?.response?.$case).toBe('variantResponse');
    expect(deps.logger.lines).toMatchObject([{ level: 'error', msg: 'evaluation failed' }]);
  });

  it('edge case 32 (authorisation): a batch item for a namespace the caller may not read is an UNKNOWN_ERROR item', () => {
    const deps = testApiDeps({
      authorize: (_p, ns) => (ns === 'shop' ? { kind: 'PERMISSION_DENIED', message: 'no' } : undefined),
    });
    const batch = createFliptEvaluator(deps, 'grpc').batch(
      { requestId: '', reference: '', requests: [request({ namespaceKey: 'shop', flagKey: 'checkout' })] },
      ANONYMOUS,
    );
    expect(batch.responses[0]?.response).toEqual({
      $case: 'errorResponse',
      value: { flagKey: 'checkout', namespaceKey: 'shop', reason: 0 },
    });
  });

  it('edge case 35: empty namespaceKey evaluates default and the error item echoes ""', () => {
    const evaluator = createFliptEvaluator(testApiDeps(), 'grpc');
    const batch = evaluator.batch(
      {
        requestId: '',
        reference: '',
        requests: [request({ flagKey: 'flag_default' }), request({ flagKey: 'nope' })],
      },
      ANONYMOUS,
    );
    expect(batch.responses[0]?.response).toMatchObject({ value: { variantKey: 'blue', requestId: '' } });
    expect(batch.responses[1]?.response).toEqual({
      $case: 'errorResponse',
      value: { flagKey: 'nope', namespaceKey: '', reason: 1 },
    });
  });

  it('counts evaluations and failures per item and one duration per request', async () => {
    const deps = testApiDeps();
    const evaluator = createFliptEvaluator(deps, 'http');
    evaluator.batch(
      {
        requestId: '',
        reference: '',
        requests: [request({ flagKey: 'flag_default' }), request({ flagKey: 'nope' })],
      },
      ANONYMOUS,
    );
    const text = await deps.registry.metrics();
    expect(text).toContain('ensign_sidecar_evaluations_total{api="http",type="variant",reason="DEFAULT"} 1');
    expect(text).toContain('ensign_sidecar_evaluation_errors_total{api="http",code="NOT_FOUND"} 1');
    expect(text).toContain('ensign_sidecar_evaluation_duration_seconds_count{api="http"} 1');
  });
});
