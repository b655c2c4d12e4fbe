import { describe, expect, it } from 'vitest';
import { TtlLruCache } from './ttl-lru-cache.ts';

describe('TtlLruCache', () => {
  it('returns a value until its expiry and not at or after it', () => {
    const cache = new TtlLruCache<string>(4);
    cache.set('k', 'v', 1_000);
    expect(cache.get('k', 999)).toBe('v');
    expect(cache.get('k', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry when full', () => {
    const cache = new TtlLruCache<number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    expect(cache.get('a', 0)).toBe(1); // a is now the most recently used
    cache.set('c', 3, 100);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBe(1);
    expect(cache.get('c', 0)).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('replaces an existing key without evicting another', () => {
    const cache = new TtlLruCache<number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    cache.set('a', 10, 200);
    expect(cache.get('a', 150)).toBe(10);
    expect(cache.get('b', 50)).toBe(2);
  });

  it('forgets a deleted key', () => {
    const cache = new TtlLruCache<number>(2);
    cache.set('a', 1, 100);
    cache.delete('a');
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new TtlLruCache(0)).toThrow(RangeError);
  });
});
