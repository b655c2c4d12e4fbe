import { describe, expect, it } from 'vitest';
import {
  defaultControllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
} from './rate-limiter.ts';

describe('ItemExponentialRateLimiter', () => {
  it('doubles the delay per failure of a key, from the base to the cap', () => {
    const limiter = new ItemExponentialRateLimiter<string>(5, 1_000_000);
    const delays = Array.from({ length: 4 }, () => limiter.when('a'));
    expect(delays).toEqual([5, 10, 20, 40]);
    for (let i = 0; i < 40; i++) limiter.when('a');
    expect(limiter.when('a')).toBe(1_000_000);
  });

  it('keeps each key on its own schedule and starts over after forget', () => {
    const limiter = new ItemExponentialRateLimiter<string>(5, 1000);
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(5);
    expect(limiter.retries('a')).toBe(2);
    limiter.forget('a');
    expect(limiter.retries('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });
});

describe('TokenBucketRateLimiter', () => {
  it('lets a burst through at once, then spaces keys at the steady rate', () => {
    let now = 0;
    const bucket = new TokenBucketRateLimiter<string>(10, 3, () => now);
    expect([bucket.when('a'), bucket.when('b'), bucket.when('c')]).toEqual([0, 0, 0]);
    expect(bucket.when('d')).toBe(100);
    expect(bucket.when('e')).toBe(200);
    now = 1000; // refills 10 tokens, capped at the burst of 3, minus the 2 already reserved ahead
    expect(bucket.when('f')).toBe(0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('takes the longer of the key backoff and the shared bucket', () => {
    const now = 0;
    const limiter = defaultControllerRateLimiter<string>(() => now);
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('a')).toBe(10);
    // 100 tokens of burst, two used: 98 more keys pass at their own backoff, then the bucket waits.
    for (let i = 0; i < 98; i++) limiter.when(`k${i}`);
    expect(limiter.when('z')).toBe(100);
  });

  it('reports the largest retry count of its parts', () => {
    const limiter = new MaxOfRateLimiter<string>(
      new ItemExponentialRateLimiter(1, 10),
      new ItemExponentialRateLimiter(1, 10),
    );
    limiter.when('a');
    expect(limiter.retries('a')).toBe(1);
    limiter.forget('a');
    expect(limiter.retries('a')).toBe(0);
  });
});
