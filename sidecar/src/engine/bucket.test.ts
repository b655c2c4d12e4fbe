import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { distributionSize, distributionThresholds, percentBucket, variantBucket } from './bucket.ts';
import { CRC32_INIT, crc32Update } from './crc32.ts';
import { evaluateBoolean } from './evaluate.ts';
import { booleanFlag, indexOf, request, thresholdRollout } from './test-support.ts';

describe('variantBucket', () => {
  // reference/flipt-semantics.md §3.5.
  it.each([
    ['foo', '1', 244],
    ['foo', '2', 934],
    ['foo', '10', 54],
    ['foo', '01', 785],
    ['foo', '123', 253],
    ['flag_001', 'some-fixed-entity-id', 553],
    ['test-flag', 'test-entity', 745],
  ])(
    'puts flag %j entity %j in bucket %d (crc32(flagKey + entityId) % 1000)',
    (flagKey, entityId, bucket) => {
      expect(variantBucket(crc32Update(CRC32_INIT, flagKey), entityId)).toBe(bucket);
    },
  );
});

describe('percentBucket', () => {
  // reference/flipt-semantics.md §4.
  it.each([
    ['test-entity', 'test-flag', 65],
    ['fixed', 'flag_boolean', 9],
    ['hello', 'flag_boolean', 96],
    ['1', 'foo', 63],
  ])('hashes entity %j of flag %j to %d (crc32(entityId + flagKey) % 100)', (entityId, flagKey, hash) => {
    expect(percentBucket(entityId, flagKey)).toBe(hash);
  });
});

describe('distributionSize', () => {
  // float32 products of reference/flipt-semantics.md §3.3.
  it.each([
    [33.3, 333],
    [33.33, 333],
    [66.67, 666],
    [99.99, 999],
    [0.05, 0],
    [50.05, 500],
    [0.01, 0],
    [100, 1000],
  ])('truncates float32(float32(%d) * 10) to %d', (rollout, size) => {
    expect(distributionSize(rollout)).toBe(size);
  });

  it('works in float32, not float64', () => {
    // In float64, 33.33 * 10 is 333.29999999999995; in float32 it is 333.30002.
    expect(Math.fround(Math.fround(33.33) * 10)).toBeGreaterThan(333.3);
    expect(33.33 * 10).toBeLessThan(333.3);
  });
});

describe('distributionThresholds', () => {
  // The v1 column of reference/flipt-semantics.md §3.3, except that sums of 100 end at 1000.
  it.each([
    [
      [50, 50],
      [500, 1000],
    ],
    [
      [33.33, 33.33, 33.34],
      [333, 666, 1000],
    ],
    [
      [33.3, 33.3, 33.4],
      [333, 666, 1000],
    ],
    [[10], [100]],
    [
      [25, 25],
      [250, 500],
    ],
    [[100], [1000]],
    [[0.01], [0]],
    [[99.99], [999]],
    [
      [80, 80],
      [800, 1600],
    ],
    [[], []],
  ])('gives %j the bounds %j', (rollouts, thresholds) => {
    expect(distributionThresholds(rollouts)).toEqual(thresholds);
  });

  it('keeps Flipt v1 per-distribution truncation when the sum is below 100', () => {
    expect(distributionThresholds([33.33, 33.33, 33.33])).toEqual([333, 666, 999]);
  });
});

describe('threshold rollouts', () => {
  /** An entity id whose percent hash for `flagKey` is `hash`, found with zlib's CRC-32. */
  function entityWithHash(flagKey: string, hash: number): string {
    for (let i = 0; ; i++) {
      if (zlibCrc32(`e${i}${flagKey}`) % 100 === hash) return `e${i}`;
    }
  }

  it('match when the hash is below the float32 percentage: 50.5 takes hash 50 but not 51', () => {
    const index = indexOf([booleanFlag('half', false, [thresholdRollout(50.5, true)])]);
    const at = (hash: number) => evaluateBoolean(index, request('half', entityWithHash('half', hash)));
    expect(at(50)).toMatchObject({ enabled: true, reason: 'MATCH' });
    expect(at(51)).toMatchObject({ enabled: false, reason: 'DEFAULT' });
  });

  it('never match at 0% and always match at 100%', () => {
    const index = indexOf([
      booleanFlag('none', false, [thresholdRollout(0, true)]),
      booleanFlag('all', false, [thresholdRollout(100, true)]),
    ]);
    for (let i = 0; i < 200; i++) {
      expect(evaluateBoolean(index, request('none', `u${i}`))).toMatchObject({ enabled: false });
      expect(evaluateBoolean(index, request('all', `u${i}`))).toMatchObject({ enabled: true });
    }
  });
});
