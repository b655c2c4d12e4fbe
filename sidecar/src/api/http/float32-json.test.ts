import { describe, expect, it } from 'vitest';
import { float32Json } from './float32-json.ts';

describe('float32 JSON numbers', () => {
  it.each([
    [50, 50],
    [33.33, 33.33],
    [Math.fround(33.33), 33.33],
    [Math.fround(0.1), 0.1],
    [100, 100],
    [0, 0],
    [Math.fround(16777217), 16777216],
  ])('prints %d as %d', (input, expected) => {
    expect(float32Json(input)).toBe(expected);
  });
});
