import { describe, expect, it } from 'vitest';
import { bulkEtag, ifNoneMatchHits, ofrepErrorOf, ofrepSuccess, parseOfrepRequest } from './ofrep-mapping.ts';

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('OFREP mapping', () => {
  it('takes targetingKey as the entity and stringifies every other attribute', () => {
    const parsed = parseOfrepRequest(
      body({
        context: {
          targetingKey: 'u1',
          plan: 'pro',
          age: 42,
          beta: true,
          tags: ['a', 'b'],
          geo: { c: 'NL' },
          gone: null,
        },
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.targetingKey).toBe('u1');
    expect({ ...parsed.value.context }).toEqual({
      targetingKey: 'u1',
      plan: 'pro',
      age: '42',
      beta: 'true',
      tags: '["a","b"]',
      geo: '{"c":"NL"}',
    });
    expect(parsed.value.flagKeys).toBeUndefined();
  });

  it('reads context.flags as a comma-separated key filter', () => {
    const parsed = parseOfrepRequest(body({ context: { targetingKey: 'u', flags: ' a, b ,,c' } }));
    expect(parsed.ok && parsed.value.flagKeys).toEqual(['a', 'b', 'c']);
  });

  it('reports a missing targetingKey as undefined and an empty body as an empty context', () => {
    const parsed = parseOfrepRequest(body(''));
    expect(parsed.ok && parsed.value.targetingKey).toBeUndefined();
  });

  it.each([
    ['malformed JSON', 'PARSE_ERROR', '{"context":'],
    ['a body that is not an object', 'PARSE_ERROR', '[1]'],
    ['a context that is not an object', 'INVALID_CONTEXT', { context: 'x' }],
    ['a context that is a list', 'INVALID_CONTEXT', { context: [1] }],
    ['a targetingKey that is not a string', 'INVALID_CONTEXT', { context: { targetingKey: 7 } }],
  ])('rejects %s as %s', (_name, errorCode, value) => {
    const parsed = parseOfrepRequest(body(value));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatchObject({ kind: 'INVALID_REQUEST', errorCode });
  });

  it('maps a variant result like Flipt: the key as value and variant, attachment and segments in metadata', () => {
    const success = ofrepSuccess(
      {
        kind: 'variant',
        flagKey: 'f',
        match: true,
        reason: 'MATCH',
        variantKey: 'blue',
        variantAttachment: '{"x":1}',
        segmentKeys: ['a', 'b'],
      },
      { team: 'growth', segments: 'overridden' },
    );
    expect(success).toEqual({
      key: 'f',
      reason: 'TARGETING_MATCH',
      variant: 'blue',
      value: 'blue',
      metadata: { team: 'growth', segments: 'a,b', attachment: '{"x":1}' },
    });
  });

  it.each([
    ['DEFAULT', 'DEFAULT'],
    ['FLAG_DISABLED', 'DISABLED'],
    ['UNKNOWN', 'UNKNOWN'],
  ] as const)('maps reason %s to %s', (reason, expected) => {
    const success = ofrepSuccess(
      { kind: 'boolean', flagKey: 'b', enabled: false, reason, segmentKeys: [] },
      {},
    );
    expect(success).toEqual({ key: 'b', reason: expected, variant: 'false', value: false, metadata: {} });
  });

  it('maps API errors to OFREP error codes', () => {
    expect(ofrepErrorOf({ kind: 'NOT_FOUND', message: 'm' }).errorCode).toBe('FLAG_NOT_FOUND');
    expect(ofrepErrorOf({ kind: 'INVALID_REQUEST', message: 'm' }).errorCode).toBe('INVALID_CONTEXT');
    expect(ofrepErrorOf({ kind: 'INTERNAL', message: 'm' }).errorCode).toBe('GENERAL');
  });

  it('derives one strong ETag per (revision, context), independent of attribute order', () => {
    const a = bulkEtag('ns', 'r1', { targetingKey: 'u', plan: 'pro' });
    expect(a).toMatch(/^"[0-9a-f]{40}"$/);
    expect(bulkEtag('ns', 'r1', { plan: 'pro', targetingKey: 'u' })).toBe(a);
    expect(bulkEtag('ns', 'r2', { targetingKey: 'u', plan: 'pro' })).not.toBe(a);
    expect(bulkEtag('ns', 'r1', { targetingKey: 'v', plan: 'pro' })).not.toBe(a);
  });

  it('compares If-None-Match weakly, in lists and with *', () => {
    expect(ifNoneMatchHits('"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHits('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHits('"x", "abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchHits('*', '"abc"')).toBe(true);
    expect(ifNoneMatchHits('"abd"', '"abc"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"abc"')).toBe(false);
  });
});
