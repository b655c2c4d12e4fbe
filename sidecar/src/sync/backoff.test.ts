import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially and is capped at maxMs', () => {
    const top = { minMs: 100, maxMs: 1000, random: () => 0.999999 };
    expect(backoffDelay(0, top)).toBe(100);
    expect(backoffDelay(1, top)).toBe(200);
    expect(backoffDelay(3, top)).toBe(800);
    expect(backoffDelay(10, top)).toBe(1000);
    expect(backoffDelay(1000, top)).toBe(1000);
  });

  it('spreads delays with jitter but never below half the minimum', () => {
    const low = { minMs: 100, maxMs: 1000, random: () => 0 };
    expect(backoffDelay(5, low)).toBe(50);
    const mid = { minMs: 100, maxMs: 1000, random: () => 0.5 };
    expect(backoffDelay(5, mid)).toBe(525);
  });
});
