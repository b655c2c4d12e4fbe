import { describe, expect, it } from 'vitest';
import {
  INVALID_VALUES_MESSAGE,
  parseBatchEvaluationRequest,
  parseEvaluationRequest,
} from './flipt-request.ts';

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('Flipt REST request decoding', () => {
  it('reads lowerCamel field names', () => {
    const result = parseEvaluationRequest(
      body({
        requestId: 'r',
        namespaceKey: 'shop',
        flagKey: 'f',
        entityId: 'e',
        context: { a: '1' },
        reference: 'x',
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        requestId: 'r',
        namespaceKey: 'shop',
        flagKey: 'f',
        entityId: 'e',
        context: expect.objectContaining({ a: '1' }) as unknown,
        reference: 'x',
        environmentKey: '',
      },
    });
  });

  it('reads snake_case field names', () => {
    const result = parseEvaluationRequest(
      body({
        request_id: 'r',
        namespace_key: 'shop',
        flag_key: 'f',
        entity_id: 'e',
        environment_key: 'prod',
      }),
    );
    expect(result.ok && result.value).toMatchObject({
      requestId: 'r',
      namespaceKey: 'shop',
      flagKey: 'f',
      entityId: 'e',
      environmentKey: 'prod',
    });
  });

  it('prefers the lowerCamel name when both spellings are present', () => {
    const result = parseEvaluationRequest(body({ flagKey: 'camel', flag_key: 'snake' }));
    expect(result.ok && result.value.flagKey).toBe('camel');
  });

  it('ignores unknown fields', () => {
    const result = parseEvaluationRequest(body({ flagKey: 'f', somethingElse: { deep: [1, 2] } }));
    expect(result.ok && result.value.flagKey).toBe('f');
  });

  it('drops null context values and treats null fields as unset', () => {
    const result = parseEvaluationRequest(body({ flagKey: null, context: { cohort: null, plan: 'pro' } }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.flagKey).toBe('');
    expect(Object.keys(result.value.context)).toEqual(['plan']);
  });

  it('builds a context in which inherited names such as constructor are absent', () => {
    const result = parseEvaluationRequest(body({ context: { plan: 'pro' } }));
    expect(result.ok && result.value.context['constructor']).toBeUndefined();
  });

  it('reads an empty body as an empty request', () => {
    const result = parseEvaluationRequest(body(''));
    expect(result.ok && result.value).toMatchObject({ namespaceKey: '', flagKey: '', entityId: '' });
  });

  it.each([
    ['a string context', { context: 'hello' }],
    ['a number where a string belongs', { flagKey: 5 }],
    ['a non-string context value', { context: { age: 42 } }],
    ['a JSON array as the body', []],
  ])('rejects %s with Flipt’s message', (_name, value) => {
    expect(parseEvaluationRequest(body(value))).toEqual({
      ok: false,
      error: { kind: 'INVALID_REQUEST', message: INVALID_VALUES_MESSAGE },
    });
  });

  it('rejects malformed JSON as an invalid request', () => {
    const result = parseEvaluationRequest(body('{"flagKey":'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe('INVALID_REQUEST');
    expect(!result.ok && result.error.message).toMatch(/^invalid JSON in request body/);
  });

  it('decodes a batch with mixed spellings in its items', () => {
    const result = parseBatchEvaluationRequest(
      body({
        request_id: 'b',
        requests: [
          { flagKey: 'a', requestId: '1' },
          { flag_key: 'b', namespace_key: 'x' },
        ],
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.requestId).toBe('b');
    expect(result.value.requests.map((r) => [r.flagKey, r.namespaceKey, r.requestId])).toEqual([
      ['a', '', '1'],
      ['b', 'x', ''],
    ]);
  });

  it('rejects a batch whose requests field is not a list', () => {
    expect(parseBatchEvaluationRequest(body({ requests: {} })).ok).toBe(false);
  });
});
