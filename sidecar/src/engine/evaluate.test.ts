import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SegmentOperator } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { evaluateBoolean, evaluateFlag, evaluateVariant } from './evaluate.ts';
import type { BooleanOutcome, VariantOutcome } from './outcome.ts';
import {
  anySegment,
  booleanConstraint,
  booleanFlag,
  dateTimeConstraint,
  entityIdConstraint,
  indexOf,
  numberConstraint,
  request,
  rule,
  segment,
  segmentRollout,
  stringConstraint,
  thresholdRollout,
  variantFlag,
  type PartialConstraint,
} from './test-support.ts';

const AND = SegmentOperator.SEGMENT_OPERATOR_AND;

/** An entity id whose variant bucket for `flagKey` is `bucket`, found with an independent CRC-32 (zlib). */
function entityInBucket(flagKey: string, bucket: number): string {
  for (let i = 0; ; i++) {
    const id = `entity-${i}`;
    if (zlibCrc32(flagKey + id) % 1000 === bucket) return id;
  }
}

function variantOf(outcome: VariantOutcome) {
  if (outcome.kind !== 'variant') throw new Error(`expected a variant result, got ${outcome.message}`);
  return outcome;
}

function booleanOf(outcome: BooleanOutcome) {
  if (outcome.kind !== 'boolean') throw new Error(`expected a boolean result, got ${outcome.message}`);
  return outcome;
}

// LET TestEvaluator_MatchAll_RolloutDistribution: flag foo, ALL segment bar eq baz, 50 boz / 50 booz.
const fiftyFifty = indexOf(
  [
    variantFlag('foo', {
      variants: ['boz', 'booz'],
      rules: [
        rule(
          ['bar'],
          [
            ['boz', 50],
            ['booz', 50],
          ],
        ),
      ],
    }),
  ],
  [segment('bar', [stringConstraint('bar', 'eq', 'baz')])],
);

describe('variant evaluation (Flipt edge cases)', () => {
  it('edge case 1: entity 1 of flag foo falls in bucket 244 and gets the first of two 50% variants', () => {
    const result = variantOf(evaluateVariant(fiftyFifty, request('foo', '1', { bar: 'baz' })));
    expect(result).toEqual({
      kind: 'variant',
      flagKey: 'foo',
      match: true,
      reason: 'MATCH',
      variantKey: 'boz',
      variantAttachment: '',
      segmentKeys: ['bar'],
    });
  });

  it('edge case 2: entity 2 falls in bucket 934 and gets the second variant', () => {
    const result = variantOf(evaluateVariant(fiftyFifty, request('foo', '2', { bar: 'baz' })));
    expect(result.match).toBe(true);
    expect(result.variantKey).toBe('booz');
  });

  it('edge case 3: an unmatched segment without a default variant gives no match, reason UNKNOWN', () => {
    const result = variantOf(evaluateVariant(fiftyFifty, request('foo', '1', { bar: 'boz' })));
    expect(result).toMatchObject({ match: false, reason: 'UNKNOWN', variantKey: '', segmentKeys: [] });
  });

  it.each([
    ['ALL', segment('everyone')],
    ['ANY', anySegment('everyone')],
  ])('edge case 4: a segment with no constraints (%s) matches every entity', (_type, everyone) => {
    const index = indexOf(
      [
        variantFlag('foo', {
          variants: ['boz', 'moz'],
          rules: [
            rule(
              ['everyone'],
              [
                ['boz', 50],
                ['moz', 50],
              ],
            ),
          ],
        }),
      ],
      [everyone],
    );
    expect(variantOf(evaluateVariant(index, request('foo', '10'))).variantKey).toBe('boz');
    expect(variantOf(evaluateVariant(index, request('foo', '01', { unrelated: 'x' }))).variantKey).toBe(
      'moz',
    );
    expect(variantOf(evaluateVariant(index, request('foo', '01'))).segmentKeys).toEqual(['everyone']);
  });

  it('edge case 5: a 0% first distribution is skipped and the 100% one is chosen', () => {
    const index = indexOf(
      [
        variantFlag('foo', {
          variants: ['boz', 'booz'],
          rules: [
            rule(
              ['bar'],
              [
                ['boz', 0],
                ['booz', 100],
              ],
            ),
          ],
        }),
      ],
      [segment('bar', [stringConstraint('bar', 'eq', 'baz')])],
    );
    expect(variantOf(evaluateVariant(index, request('foo', '1', { bar: 'baz' }))).variantKey).toBe('booz');
  });

  it('edge case 6: several 0% distributions between two 50% ones are skipped', () => {
    const variants = ['1', '2', '3', '4', '5', '6'];
    const rollouts: [string, number][] = [
      ['1', 0],
      ['2', 0],
      ['3', 50],
      ['4', 0],
      ['5', 0],
      ['6', 50],
    ];
    const index = indexOf(
      [variantFlag('foo', { variants, rules: [rule(['bar'], rollouts)] })],
      [segment('bar', [stringConstraint('bar', 'eq', 'baz')])],
    );
    expect(variantOf(evaluateVariant(index, request('foo', '1', { bar: 'baz' }))).variantKey).toBe('3');
  });

  it('edge case 7: a lone 10% distribution does not cover bucket 253; without a default: no match, UNKNOWN', () => {
    const index = indexOf(
      [variantFlag('foo', { variants: ['bar'], rules: [rule(['all'], [['bar', 10]])] })],
      [segment('all')],
    );
    const result = variantOf(evaluateVariant(index, request('foo', '123')));
    expect(result).toMatchObject({ match: false, reason: 'UNKNOWN', variantKey: '', segmentKeys: ['all'] });
  });

  it('edge case 8: the same uncovered bucket with a default variant: no match, default variant, DEFAULT', () => {
    const index = indexOf(
      [
        variantFlag('foo', {
          variants: [{ key: 'bar', attachment: '{"bar":"baz"}' }, 'other'],
          defaultVariant: 'bar',
          rules: [rule(['all'], [['other', 10]])],
        }),
      ],
      [segment('all')],
    );
    const result = variantOf(evaluateVariant(index, request('foo', '123')));
    expect(result).toMatchObject({
      match: false,
      reason: 'DEFAULT',
      variantKey: 'bar',
      variantAttachment: '{"bar":"baz"}',
    });
  });

  it('edge case 9: a disabled flag keeps its default variant and attachment, reason FLAG_DISABLED', () => {
    const index = indexOf(
      [
        variantFlag('foo', {
          enabled: false,
          variants: [{ key: 'bar', attachment: '{"bar":"baz"}' }],
          defaultVariant: 'bar',
          rules: [rule(['all'], [['bar', 100]])],
        }),
      ],
      [segment('all')],
    );
    expect(variantOf(evaluateVariant(index, request('foo', '1')))).toEqual({
      kind: 'variant',
      flagKey: 'foo',
      match: false,
      reason: 'FLAG_DISABLED',
      variantKey: 'bar',
      variantAttachment: '{"bar":"baz"}',
      segmentKeys: [],
    });
  });

  it('edge case 10: a disabled flag without a default variant returns an empty variant, FLAG_DISABLED', () => {
    const index = indexOf([variantFlag('foo', { enabled: false, variants: ['bar'] })]);
    expect(variantOf(evaluateVariant(index, request('foo', '1')))).toMatchObject({
      match: false,
      reason: 'FLAG_DISABLED',
      variantKey: '',
    });
  });

  it('edge case 11: an enabled flag without rules returns the default variant (DEFAULT) or nothing (UNKNOWN)', () => {
    const index = indexOf([
      variantFlag('with-default', { variants: ['bar'], defaultVariant: 'bar' }),
      variantFlag('without-default', { variants: ['bar'] }),
    ]);
    expect(variantOf(evaluateVariant(index, request('with-default', '1')))).toMatchObject({
      match: false,
      reason: 'DEFAULT',
      variantKey: 'bar',
    });
    expect(variantOf(evaluateVariant(index, request('without-default', '1')))).toMatchObject({
      match: false,
      reason: 'UNKNOWN',
      variantKey: '',
    });
  });

  it('edge case 12: a matched rule without distributions is a MATCH with the default variant', () => {
    const index = indexOf(
      [variantFlag('foo', { variants: ['bar'], defaultVariant: 'bar', rules: [rule(['bar'])] })],
      [segment('bar', [stringConstraint('bar', 'eq', 'baz')])],
    );
    expect(variantOf(evaluateVariant(index, request('foo', '1', { bar: 'baz' })))).toMatchObject({
      match: true,
      reason: 'MATCH',
      variantKey: 'bar',
      segmentKeys: ['bar'],
    });
  });

  it('edge case 13: rules and rollouts are evaluated strictly in list order; a later match never wins', () => {
    const index = indexOf(
      [
        variantFlag('v', {
          variants: ['first', 'second'],
          rules: [rule(['narrow'], [['first', 100]]), rule(['wide'], [['second', 100]])],
        }),
        variantFlag('v-reversed', {
          variants: ['first', 'second'],
          rules: [rule(['wide'], [['second', 100]]), rule(['narrow'], [['first', 100]])],
        }),
        booleanFlag('b', true, [segmentRollout(['narrow'], false), segmentRollout(['wide'], true)]),
      ],
      [segment('narrow', [stringConstraint('plan', 'eq', 'pro')]), segment('wide')],
    );
    const pro = { plan: 'pro' };
    expect(variantOf(evaluateVariant(index, request('v', 'u', pro))).variantKey).toBe('first');
    expect(variantOf(evaluateVariant(index, request('v', 'u', { plan: 'free' }))).variantKey).toBe('second');
    expect(variantOf(evaluateVariant(index, request('v-reversed', 'u', pro))).variantKey).toBe('second');
    expect(booleanOf(evaluateBoolean(index, request('b', 'u', pro)))).toMatchObject({
      enabled: false,
      segmentKeys: ['narrow'],
    });
    expect(booleanOf(evaluateBoolean(index, request('b', 'u', { plan: 'free' }))).enabled).toBe(true);
  });

  it('edge case 14: a context value that does not parse as a number or datetime fails the segment silently', () => {
    const index = indexOf(
      [
        variantFlag('n', { variants: ['x'], rules: [rule(['number'], [['x', 100]])] }),
        variantFlag('d', { variants: ['x'], rules: [rule(['date'], [['x', 100]])] }),
      ],
      [
        segment('number', [numberConstraint('bar', 'eq', 1)]),
        segment('date', [dateTimeConstraint('bar', 'eq', '2006-01-02')]),
      ],
    );
    for (const flagKey of ['n', 'd']) {
      expect(variantOf(evaluateVariant(index, request(flagKey, '1', { bar: 'baz' })))).toMatchObject({
        match: false,
        reason: 'UNKNOWN',
      });
    }
  });
});

/** Evaluates one constraint for a context (and entity id) through a one-segment variant flag. */
function holds(constraint: PartialConstraint, context: Record<string, string>, entityId = 'entity'): boolean {
  const index = indexOf(
    [variantFlag('f', { variants: ['on'], rules: [rule(['s'], [['on', 100]])] })],
    [segment('s', [constraint])],
  );
  return variantOf(evaluateVariant(index, request('f', entityId, context))).match;
}

describe('constraint semantics (Flipt edge cases)', () => {
  it('edge case 15: STRING empty holds for " "; notempty fails for ""', () => {
    expect(holds(stringConstraint('p', 'empty'), { p: ' ' })).toBe(true);
    expect(holds(stringConstraint('p', 'notempty'), { p: '' })).toBe(false);
  });

  it('edge case 16: STRING isoneof / isnotoneof are exact membership tests', () => {
    const oneOf = stringConstraint('p', 'isoneof', ['bar', 'baz']);
    expect(holds(oneOf, { p: 'baz' })).toBe(true);
    expect(holds(oneOf, { p: 'nope' })).toBe(false);
    expect(holds(oneOf, { p: ' baz' })).toBe(false);
    expect(holds(stringConstraint('p', 'isnotoneof', ['bar', 'baz']), { p: 'nope' })).toBe(true);
    expect(holds(stringConstraint('p', 'isnotoneof', ['bar', 'baz']), { p: 'bar' })).toBe(false);
  });

  it('edge case 17: STRING prefix, contains, notcontains hold; an unknown operator never does', () => {
    expect(holds(stringConstraint('p', 'prefix', 'ba'), { p: 'bar' })).toBe(true);
    expect(holds(stringConstraint('p', 'contains', 'bar'), { p: 'foobar' })).toBe(true);
    expect(holds(stringConstraint('p', 'notcontains', 'bar'), { p: 'nope' })).toBe(true);
    expect(holds(stringConstraint('p', 'foo', 'bar'), { p: 'bar' })).toBe(false);
  });

  it('edge case 18: STRING neq fails when the property is missing (an empty value short-circuits)', () => {
    expect(holds(stringConstraint('p', 'neq', 'bar'), {})).toBe(false);
    expect(holds(stringConstraint('p', 'notcontains', 'bar'), {})).toBe(false);
    expect(holds(stringConstraint('p', 'isnotoneof', ['bar']), {})).toBe(false);
    expect(holds(stringConstraint('p', 'neq', 'bar'), { p: 'baz' })).toBe(true);
  });

  it('edge case 19: NUMBER comparisons are float64 comparisons', () => {
    expect(holds(numberConstraint('p', 'eq', 42.0), { p: '42.0' })).toBe(true);
    expect(holds(numberConstraint('p', 'gt', 10.11), { p: '10.12' })).toBe(true);
    expect(holds(numberConstraint('p', 'gte', 10.11), { p: '10.11' })).toBe(true);
    expect(holds(numberConstraint('p', 'lte', 42.0), { p: '102.0' })).toBe(false);
  });

  it('edge case 20: NUMBER isoneof holds for 3.14159 in [3, 3.14159, 4]; unparsable context fails both ways', () => {
    expect(holds(numberConstraint('p', 'isoneof', [3, 3.14159, 4]), { p: '3.14159' })).toBe(true);
    expect(holds(numberConstraint('p', 'isoneof', [3, 3.14159, 4]), { p: '3.1' })).toBe(false);
    expect(holds(numberConstraint('p', 'isnotoneof', [5, 6]), { p: '7' })).toBe(true);
    expect(holds(numberConstraint('p', 'isnotoneof', [5, 6]), { p: 'seven' })).toBe(false);
  });

  it('edge case 21: NUMBER context "foo" fails; present holds for "1"; notpresent holds when missing', () => {
    expect(holds(numberConstraint('p', 'eq', 1), { p: 'foo' })).toBe(false);
    expect(holds(numberConstraint('p', 'neq', 1), { p: 'foo' })).toBe(false);
    expect(holds(numberConstraint('p', 'present'), { p: '1' })).toBe(true);
    expect(holds(numberConstraint('p', 'notpresent'), {})).toBe(true);
  });

  it('edge case 22: BOOLEAN true/false read the context with Go ParseBool; present/notpresent test blankness', () => {
    expect(holds(booleanConstraint('p', 'true'), { p: 'true' })).toBe(true);
    expect(holds(booleanConstraint('p', 'false'), { p: 'true' })).toBe(false);
    expect(holds(booleanConstraint('p', 'true'), { p: 'not a bool' })).toBe(false);
    expect(holds(booleanConstraint('p', 'false'), { p: 'not a bool' })).toBe(false);
    expect(holds(booleanConstraint('p', 'false'), { p: 'F' })).toBe(true);
    expect(holds(booleanConstraint('p', 'present'), { p: 'x' })).toBe(true);
    expect(holds(booleanConstraint('p', 'notpresent'), { p: ' ' })).toBe(true);
  });

  it('edge case 23: DATETIME compares date-only and RFC 3339 values as instants', () => {
    expect(holds(dateTimeConstraint('p', 'eq', '2006-01-02'), { p: '2006-01-02' })).toBe(true);
    expect(holds(dateTimeConstraint('p', 'neq', '2006-01-02'), { p: '2006-01-02' })).toBe(false);
    expect(holds(dateTimeConstraint('p', 'eq', '2006-01-02'), { p: '2006-01-02T00:00:00Z' })).toBe(true);
    expect(holds(dateTimeConstraint('p', 'lt', '2006-01-02T15:04:05Z'), { p: '2005-01-02T15:04:05Z' })).toBe(
      true,
    );
    expect(holds(dateTimeConstraint('p', 'eq', '2006-01-02'), { p: 'bar' })).toBe(false);
  });

  it('edge case 24: ENTITY_ID reads the entity id and ignores the property and the context', () => {
    const index = indexOf(
      [variantFlag('f', { variants: ['on'], rules: [rule(['users'], [['on', 100]])] })],
      [anySegment('users', [{ ...entityIdConstraint('eq', 'user@flipt.io'), property: 'ignored' }])],
    );
    expect(variantOf(evaluateVariant(index, request('f', 'user@flipt.io'))).match).toBe(true);
    expect(variantOf(evaluateVariant(index, request('f', 'other', { ignored: 'user@flipt.io' }))).match).toBe(
      false,
    );
  });
});

describe('end-to-end and boolean evaluation (Flipt edge cases)', () => {
  it('edge case 25: flag_001 / some-fixed-entity-id lands in bucket 553 and gets variant_002', () => {
    const segments = ['segment_001', 'segment_005'].map((key) =>
      segment(key, [stringConstraint('in_segment', 'eq', key)]),
    );
    const index = indexOf(
      [
        variantFlag('flag_001', {
          variants: ['variant_001', 'variant_002'],
          rules: [
            rule(['segment_001'], [['variant_001', 100]]),
            rule(
              ['segment_005'],
              [
                ['variant_001', 50],
                ['variant_002', 50],
              ],
            ),
          ],
        }),
      ],
      segments,
    );
    const result = variantOf(
      evaluateVariant(index, request('flag_001', 'some-fixed-entity-id', { in_segment: 'segment_005' })),
    );
    expect(result).toMatchObject({ match: true, reason: 'MATCH', variantKey: 'variant_002' });
    expect(result.segmentKeys).toContain('segment_005');
  });

  it('edge case 26: a threshold rollout matches when the hash (65 for test-entity) is below the percentage', () => {
    const index = indexOf([booleanFlag('test-flag', true, [thresholdRollout(5, false)])]);
    expect(booleanOf(evaluateBoolean(index, request('test-flag', 'test-entity')))).toEqual({
      kind: 'boolean',
      flagKey: 'test-flag',
      enabled: true,
      reason: 'DEFAULT',
      segmentKeys: [],
    });
    const seventy = indexOf([booleanFlag('test-flag', true, [thresholdRollout(70, false)])]);
    expect(booleanOf(evaluateBoolean(seventy, request('test-flag', 'test-entity')))).toMatchObject({
      enabled: false,
      reason: 'MATCH',
    });
  });

  it('edge case 27: a disabled boolean flag still runs its rollouts', () => {
    const segments = ['segment_001', 'segment_002', 'segment_003', 'segment_004'].map((key) =>
      segment(key, [stringConstraint('in_segment', 'eq', key)]),
    );
    const index = indexOf(
      [
        booleanFlag('flag_boolean', false, [
          segmentRollout(['segment_001'], true),
          segmentRollout(['segment_002'], false),
          segmentRollout(['segment_003'], true),
          segmentRollout(['segment_004'], false),
          thresholdRollout(50, true),
        ]),
      ],
      segments,
    );
    expect(booleanOf(evaluateBoolean(index, request('flag_boolean', 'fixed')))).toMatchObject({
      enabled: true,
      reason: 'MATCH',
      segmentKeys: [],
    });
    expect(booleanOf(evaluateBoolean(index, request('flag_boolean', 'hello')))).toMatchObject({
      enabled: false,
      reason: 'DEFAULT',
    });
    expect(
      booleanOf(evaluateBoolean(index, request('flag_boolean', 'fixed', { in_segment: 'segment_001' }))),
    ).toMatchObject({ enabled: true, reason: 'MATCH', segmentKeys: ['segment_001'] });
    expect(
      booleanOf(evaluateBoolean(index, request('flag_boolean', 'hello', { in_segment: 'segment_002' }))),
    ).toMatchObject({ enabled: false, reason: 'MATCH', segmentKeys: ['segment_002'] });
  });

  it('edge case 28: a rollout is decided by its payload; none skips it; no rollouts gives the flag state', () => {
    const index = indexOf(
      [
        booleanFlag('test-flag', true, [
          { kind: undefined },
          thresholdRollout(0, true),
          segmentRollout(['test-segment'], true),
        ]),
        booleanFlag('no-rollouts-on', true),
        booleanFlag('no-rollouts-off', false),
      ],
      [segment('test-segment', [stringConstraint('hello', 'eq', 'world')])],
    );
    expect(booleanOf(evaluateBoolean(index, request('test-flag', 'e', { hello: 'world' })))).toMatchObject({
      enabled: true,
      reason: 'MATCH',
      segmentKeys: ['test-segment'],
    });
    expect(booleanOf(evaluateBoolean(index, request('no-rollouts-on', 'e')))).toMatchObject({
      enabled: true,
      reason: 'DEFAULT',
    });
    expect(booleanOf(evaluateBoolean(index, request('no-rollouts-off', 'e')))).toMatchObject({
      enabled: false,
      reason: 'DEFAULT',
    });
  });

  it('edge case 29: an AND segment rollout needs every segment to match, otherwise it falls through', () => {
    const index = indexOf(
      [booleanFlag('f', false, [segmentRollout(['s1', 's2'], true, AND)])],
      [segment('s1', [stringConstraint('a', 'eq', '1')]), segment('s2', [stringConstraint('b', 'eq', '2')])],
    );
    expect(booleanOf(evaluateBoolean(index, request('f', 'e', { a: '1', b: '2' })))).toMatchObject({
      enabled: true,
      reason: 'MATCH',
      segmentKeys: ['s1', 's2'],
    });
    expect(booleanOf(evaluateBoolean(index, request('f', 'e', { a: '1' })))).toMatchObject({
      enabled: false,
      reason: 'DEFAULT',
      segmentKeys: [],
    });
  });

  it('edge case 30: wrong flag types and unknown flags are errors with Flipt messages', () => {
    const index = indexOf([variantFlag('v'), booleanFlag('b', true)], [], 'shop');
    expect(evaluateVariant(index, request('b', 'e'))).toEqual({
      kind: 'error',
      code: 'WRONG_TYPE',
      flagKey: 'b',
      message: 'flag type BOOLEAN_FLAG_TYPE invalid',
    });
    expect(evaluateBoolean(index, request('v', 'e'))).toEqual({
      kind: 'error',
      code: 'WRONG_TYPE',
      flagKey: 'v',
      message: 'flag type VARIANT_FLAG_TYPE invalid',
    });
    for (const outcome of [
      evaluateVariant(index, request('nope', 'e')),
      evaluateBoolean(index, request('nope', 'e')),
      evaluateFlag(index, request('nope', 'e')),
    ]) {
      expect(outcome).toEqual({
        kind: 'error',
        code: 'NOT_FOUND',
        flagKey: 'nope',
        message: 'flag "shop/nope" not found',
      });
    }
  });

  it('edge case 33: 33.33/33.33/33.34 splits buckets at 333 and 666, and bucket 999 gets the third variant', () => {
    const index = indexOf(
      [
        variantFlag('thirds', {
          variants: ['a', 'b', 'c'],
          rules: [
            rule(
              ['all'],
              [
                ['a', 33.33],
                ['b', 33.33],
                ['c', 33.34],
              ],
            ),
          ],
        }),
      ],
      [segment('all')],
    );
    const expected: [bucket: number, variant: string][] = [
      [0, 'a'],
      [332, 'a'],
      [333, 'b'],
      [665, 'b'],
      [666, 'c'],
      [998, 'c'],
      [999, 'c'],
    ];
    for (const [bucket, variant] of expected) {
      const result = variantOf(evaluateVariant(index, request('thirds', entityInBucket('thirds', bucket))));
      expect({ bucket, variant: result.variantKey, match: result.match }).toEqual({
        bucket,
        variant,
        match: true,
      });
    }
  });

  it('edge case 34: a rule whose distributions miss the bucket ends evaluation; the next rule is not tried', () => {
    const index = indexOf(
      [
        variantFlag('foo', {
          variants: ['ten', 'catch-all'],
          rules: [rule(['all'], [['ten', 10]]), rule(['all'], [['catch-all', 100]])],
        }),
      ],
      [segment('all')],
    );
    // foo/123 is bucket 253, outside the first rule's 0..99.
    expect(variantOf(evaluateVariant(index, request('foo', '123')))).toMatchObject({
      match: false,
      reason: 'UNKNOWN',
      variantKey: '',
      segmentKeys: ['all'],
    });
    // foo/10 is bucket 54, inside it.
    expect(variantOf(evaluateVariant(index, request('foo', '10')))).toMatchObject({
      match: true,
      variantKey: 'ten',
    });
  });
});

describe('segment operators and matched segment keys', () => {
  const index = indexOf(
    [
      variantFlag('or', { variants: ['x'], rules: [rule(['a', 'b', 'c'], [['x', 100]])] }),
      variantFlag('and', { variants: ['x'], rules: [rule(['a', 'b'], [['x', 100]], AND)] }),
      variantFlag('empty-or', { variants: ['x'], rules: [rule([], [['x', 100]])] }),
      variantFlag('empty-and', { variants: ['x'], rules: [rule([], [['x', 100]], AND)] }),
      booleanFlag('bool-or', false, [segmentRollout(['a', 'b', 'c'], true)]),
    ],
    [
      segment('a', [stringConstraint('a', 'eq', '1')]),
      segment('b', [stringConstraint('b', 'eq', '1')]),
      segment('c', [stringConstraint('c', 'eq', '1')]),
    ],
  );

  it('reports only the matched segments of an OR rule, in declaration order', () => {
    expect(variantOf(evaluateVariant(index, request('or', 'e', { c: '1', a: '1' }))).segmentKeys).toEqual([
      'a',
      'c',
    ]);
    expect(variantOf(evaluateVariant(index, request('or', 'e', { b: '1' }))).segmentKeys).toEqual(['b']);
    expect(
      variantOf(evaluateVariant(index, request('or', 'e', { a: '1', b: '1', c: '1' }))).segmentKeys,
    ).toEqual(['a', 'b', 'c']);
    expect(booleanOf(evaluateBoolean(index, request('bool-or', 'e', { b: '1' })))).toMatchObject({
      enabled: true,
      segmentKeys: ['b'],
    });
  });

  it('applies an AND rule only when every segment matches', () => {
    expect(variantOf(evaluateVariant(index, request('and', 'e', { a: '1', b: '1' }))).match).toBe(true);
    expect(variantOf(evaluateVariant(index, request('and', 'e', { a: '1' }))).match).toBe(false);
  });

  it('never applies an OR rule without segments and always applies an AND rule without segments', () => {
    expect(variantOf(evaluateVariant(index, request('empty-or', 'e'))).match).toBe(false);
    expect(variantOf(evaluateVariant(index, request('empty-and', 'e')))).toMatchObject({
      match: true,
      segmentKeys: [],
    });
  });

  it('matches an ANY segment when one constraint holds and an ALL segment only when all hold', () => {
    const both = [stringConstraint('a', 'eq', '1'), stringConstraint('b', 'eq', '1')];
    const anyIndex = indexOf(
      [
        variantFlag('any', { variants: ['x'], rules: [rule(['any'], [['x', 100]])] }),
        variantFlag('all', { variants: ['x'], rules: [rule(['all'], [['x', 100]])] }),
      ],
      [anySegment('any', both), segment('all', both)],
    );
    expect(variantOf(evaluateVariant(anyIndex, request('any', 'e', { b: '1' }))).match).toBe(true);
    expect(variantOf(evaluateVariant(anyIndex, request('any', 'e', {}))).match).toBe(false);
    expect(variantOf(evaluateVariant(anyIndex, request('all', 'e', { b: '1' }))).match).toBe(false);
    expect(variantOf(evaluateVariant(anyIndex, request('all', 'e', { a: '1', b: '1' }))).match).toBe(true);
  });
});

describe('evaluateFlag and results', () => {
  const index = indexOf(
    [
      variantFlag('v', { variants: ['x'], rules: [rule(['all'], [['x', 100]])] }),
      booleanFlag('b', false, [thresholdRollout(100, true)]),
    ],
    [segment('all')],
  );

  it('evaluates each flag as its own type', () => {
    expect(evaluateFlag(index, request('v', 'e'))).toMatchObject({ kind: 'variant', variantKey: 'x' });
    expect(evaluateFlag(index, request('b', 'e'))).toMatchObject({ kind: 'boolean', enabled: true });
  });

  it('returns frozen results that callers cannot change', () => {
    const result = variantOf(evaluateVariant(index, request('v', 'e')));
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.segmentKeys)).toBe(true);
    expect(Object.isFrozen(booleanOf(evaluateBoolean(index, request('b', 'e'))).segmentKeys)).toBe(true);
  });

  it('hashes entity ids with non-ASCII characters as their UTF-8 bytes', () => {
    const thirds = indexOf(
      [
        variantFlag('f', {
          variants: ['a', 'b'],
          rules: [
            rule(
              ['all'],
              [
                ['a', 50],
                ['b', 50],
              ],
            ),
          ],
        }),
      ],
      [segment('all')],
    );
    for (const id of ['ünïcødé', '用户-42', 'emoji-😀', 'lone-\ud800']) {
      const bucket = zlibCrc32(Buffer.from(`f${id}`, 'utf8')) % 1000;
      expect(variantOf(evaluateVariant(thirds, request('f', id))).variantKey).toBe(bucket < 500 ? 'a' : 'b');
    }
  });

  it('reads context properties that shadow Object.prototype members as missing', () => {
    const shadow = indexOf(
      [variantFlag('f', { variants: ['x'], rules: [rule(['s'], [['x', 100]])] })],
      [segment('s', [stringConstraint('toString', 'notempty'), stringConstraint('constructor', 'notempty')])],
    );
    expect(variantOf(evaluateVariant(shadow, request('f', 'e'))).match).toBe(false);
    expect(
      variantOf(evaluateVariant(shadow, request('f', 'e', { toString: 'a', constructor: 'b' }))).match,
    ).toBe(true);
  });
});

describe('distributions', () => {
  it('treats a rule whose distributions are all 0% like a rule without distributions (MATCH, default variant)', () => {
    const index = indexOf(
      [variantFlag('f', { variants: ['a', 'd'], defaultVariant: 'd', rules: [rule(['all'], [['a', 0]])] })],
      [segment('all')],
    );
    expect(variantOf(evaluateVariant(index, request('f', 'e')))).toMatchObject({
      match: true,
      reason: 'MATCH',
      variantKey: 'd',
    });
  });

  it('leaves the buckets past a sum below 100 uncovered: 3 × 33.33 misses bucket 999', () => {
    const index = indexOf(
      [
        variantFlag('thirds', {
          variants: ['a', 'b', 'c'],
          rules: [
            rule(
              ['all'],
              [
                ['a', 33.33],
                ['b', 33.33],
                ['c', 33.33],
              ],
            ),
          ],
        }),
      ],
      [segment('all')],
    );
    expect(
      variantOf(evaluateVariant(index, request('thirds', entityInBucket('thirds', 998)))).variantKey,
    ).toBe('c');
    expect(variantOf(evaluateVariant(index, request('thirds', entityInBucket('thirds', 999))))).toMatchObject(
      {
        match: false,
        reason: 'UNKNOWN',
        variantKey: '',
      },
    );
  });
});
