import { describe, expect, it } from 'vitest';
import { ReviewCache, reviewTtlMs } from './review-cache.ts';
import type { ReviewLifetime } from './review-cache.ts';
import { tokenDigest } from './token-digest.ts';

const limits = { positiveTtlMs: 60_000, negativeTtlMs: 5_000 };

describe('reviewTtlMs', () => {
  it.each<[string, ReviewLifetime, number]>([
    ['a positive result without expiry', { authenticated: true }, 60_000],
    ['a positive result expiring in 10 min', { authenticated: true, expiresAtMs: 1_000 + 600_000 }, 60_000],
    ['a positive result expiring in 12 s', { authenticated: true, expiresAtMs: 1_000 + 12_000 }, 12_000],
    ['a positive result already expired', { authenticated: true, expiresAtMs: 500 }, 0],
    ['a negative result', { authenticated: false }, 5_000],
    ['a negative result of a token that expires soon', { authenticated: false, expiresAtMs: 1_001 }, 5_000],
  ])('keeps %s for the right time', (_what, result, expected) => {
    expect(reviewTtlMs(result, 1_000, limits)).toBe(expected);
  });
});

interface Result extends ReviewLifetime {
  readonly n: number;
}

function harness(answer: (token: string, n: number) => Result | Error) {
  let now = 1_000_000;
  const calls: string[] = [];
  const cache = new ReviewCache<Result>({
    review: (token) => {
      calls.push(token);
      const result = answer(token, calls.length);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
    now: () => now,
    maxEntries: 2,
    limits,
  });
  return {
    cache,
    calls,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

describe('ReviewCache', () => {
  it('answers a repeated token from the cache, synchronously, for up to 60 s', async () => {
    const h = harness((_t, n) => ({ authenticated: true, n }));
    expect(await h.cache.review('tok')).toEqual({ authenticated: true, n: 1 });
    h.advance(59_999);
    expect(h.cache.review('tok')).toEqual({ authenticated: true, n: 1 });
    h.advance(1);
    expect(await h.cache.review('tok')).toEqual({ authenticated: true, n: 2 });
    expect(h.calls).toEqual(['tok', 'tok']);
  });

  it('never reuses a positive result past the token’s expiry', async () => {
    const h = harness((_t, n) => ({ authenticated: true, expiresAtMs: h.now() + 3_000, n }));
    await h.cache.review('tok');
    h.advance(2_999);
    expect(h.cache.review('tok')).toMatchObject({ n: 1 });
    h.advance(1);
    expect(await h.cache.review('tok')).toMatchObject({ n: 2 });
  });

  it('keeps a negative result for 5 s only', async () => {
    const h = harness((_t, n) => ({ authenticated: false, n }));
    await h.cache.review('bad');
    h.advance(4_999);
    expect(h.cache.review('bad')).toMatchObject({ n: 1 });
    h.advance(1);
    expect(await h.cache.review('bad')).toMatchObject({ n: 2 });
  });

  it('does not cache a failure to review', async () => {
    const h = harness((_t, n) => (n === 1 ? new Error('API server down') : { authenticated: true, n }));
    await expect(h.cache.review('tok')).rejects.toThrow('API server down');
    expect(await h.cache.review('tok')).toMatchObject({ n: 2 });
  });

  it('collapses concurrent reviews of one token into one call', async () => {
    const h = harness((_t, n) => ({ authenticated: true, n }));
    const [a, b] = await Promise.all([h.cache.review('tok'), h.cache.review('tok')]);
    expect(a).toBe(b);
    expect(h.calls).toHaveLength(1);
  });

  it('lets a caller peek by digest, and review with a digest it already computed', async () => {
    const h = harness((_t, n) => ({ authenticated: true, n }));
    const digest = tokenDigest('tok');
    expect(h.cache.peek(digest)).toBeUndefined();
    await h.cache.review('tok', digest);
    expect(h.cache.peek(digest)).toEqual({ authenticated: true, n: 1 });
    expect(h.cache.review('tok')).toEqual({ authenticated: true, n: 1 });
    h.advance(60_000);
    expect(h.cache.peek(digest)).toBeUndefined();
  });

  it('holds at most maxEntries results', async () => {
    const h = harness((token, n) => ({ authenticated: token !== '', n }));
    await h.cache.review('a');
    await h.cache.review('b');
    await h.cache.review('c');
    expect(await h.cache.review('a')).toMatchObject({ n: 4 });
  });
});
